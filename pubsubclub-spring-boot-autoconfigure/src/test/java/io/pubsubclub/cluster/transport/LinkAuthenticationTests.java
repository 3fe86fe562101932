package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.cluster.transport.LinkAuthenticator.Reason;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Authenticated links (PROTOCOL.md, "Authenticated links") over real sockets: nodes with
 * the same secret link; every bad token is refused with 401 before any WebSocket; a
 * server without the secret cannot pose as a producer; secrets rotate one node at a time.
 */
@ExtendWith(OutputCaptureExtension.class)
class LinkAuthenticationTests {

	static final String SECRET = "correct horse battery staple";

	static final String OTHER = "not the cluster's secret, though long";

	static final long PRODUCER_ID = 777;

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	private Node producerServer(String... properties) {
		List<String> all = new ArrayList<>(List.of("pubsubclub.producer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.node-id=" + PRODUCER_ID));
		all.addAll(List.of(properties));
		return this.nodes.start(all.toArray(String[]::new));
	}

	private Node consumerClient(String peer, String... properties) {
		List<String> all = new ArrayList<>(List.of("pubsubclub.consumer.enabled=true",
				"pubsubclub.consumer.mode=client", "pubsubclub.peers=" + peer, "pubsubclub.link.reconnect-delay=100ms",
				"pubsubclub.link.max-reconnect-delay=500ms"));
		all.addAll(List.of(properties));
		return this.nodes.start(all.toArray(String[]::new));
	}

	static LinkAuthenticator authenticator(Node node) {
		return Objects.requireNonNull(node.context().getBean(LinkSecurity.class).authenticator());
	}

	private static long accepted(Node node) {
		return node.links().stream().filter((link) -> link.direction() == ClusterState.Direction.ACCEPTED).count();
	}

	private static String dialError(Node node) {
		return node.links().stream().map(ClusterState.Link::lastError).filter(Objects::nonNull).findFirst().orElse("");
	}

	@Test
	void nodesWithTheSameSecretLinkAndCarryEvents(CapturedOutput output) {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		Node consumer = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + SECRET);
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		producer.subscribers().publish("t", "{\"n\":1}");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t {\"n\":1}"));
		assertThat(authenticator(producer).refusals()).allSatisfy((reason, count) -> assertThat(count).isZero());
		assertThat(authenticator(consumer).refusals()).allSatisfy((reason, count) -> assertThat(count).isZero());
		assertThat(consumer.links()).singleElement().satisfies((link) -> {
			assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
			assertThat(link.farNodeId()).isEqualTo(PRODUCER_ID);
		});
		assertThat(output).contains("authenticated").doesNotContain(SECRET);
	}

	@Test
	void aNodeWithAnotherSecretIsRefusedWith401AndNeverLinks(CapturedOutput output) {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		Node consumer = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + OTHER);
		await().atMost(WAIT).until(() -> authenticator(producer).refusals(Reason.BAD_MAC) >= 2);
		await().atMost(WAIT).until(() -> dialError(consumer).contains("401"));
		assertThat(dialError(consumer)).contains("authentication failed")
			.contains("pubsubclub.link.secret")
			.doesNotContain(OTHER);
		assertThat(accepted(producer)).isZero();
		assertThat(consumer.readyLinks()).isZero();
		assertThat(output).contains("Refused cluster link from 127.0.0.1:")
			.contains(": bad-mac (HTTP 401)")
			.doesNotContain(SECRET)
			.doesNotContain(OTHER);
	}

	@Test
	void aNodeWithoutASecretIsRefusedAsMissing() {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		Node consumer = consumerClient(producer.address().toString());
		await().atMost(WAIT).until(() -> authenticator(producer).refusals(Reason.MISSING) >= 1);
		await().atMost(WAIT).until(() -> dialError(consumer).contains("401"));
		assertThat(dialError(consumer)).contains("it requires a secret (set pubsubclub.link.secret)");
		assertThat(accepted(producer)).isZero();
	}

	// headers made when the case runs, from the clock then
	interface Headers {

		String[] at(long now) throws Exception;

	}

	static Stream<Arguments> badTokens() {
		String nonce = RawUpgrade.nonce();
		return Stream.of(Arguments.of("no token", (Headers) (now) -> new String[0], Reason.MISSING),
				Arguments.of("another secret",
						(Headers) (now) -> new String[] { RawUpgrade.token(OTHER, 5, now, RawUpgrade.nonce()) },
						Reason.BAD_MAC),
				Arguments.of("forged mac", (Headers) (now) -> new String[] { "PubSubClub-Auth: v1 node=5 ts=" + now
						+ " nonce=" + nonce + " mac=" + RawUpgrade.hmac("guess", "x") }, Reason.BAD_MAC),
				Arguments.of("mac of another node id",
						(Headers) (now) -> new String[] { "PubSubClub-Auth: v1 node=6 ts=" + now + " nonce=" + nonce
								+ " mac=" + mac(RawUpgrade.token(SECRET, 5, now, nonce)) },
						Reason.BAD_MAC),
				Arguments.of("61 s old",
						(Headers) (now) -> new String[] { RawUpgrade.token(SECRET, 5, now - 61, RawUpgrade.nonce()) },
						Reason.STALE),
				Arguments.of("61 s ahead",
						(Headers) (now) -> new String[] { RawUpgrade.token(SECRET, 5, now + 61, RawUpgrade.nonce()) },
						Reason.STALE),
				Arguments.of("upper-case hex", (Headers) (now) -> {
					String good = RawUpgrade.token(SECRET, 5, now, nonce);
					return new String[] { good.replace(mac(good), mac(good).toUpperCase()) };
				}, Reason.MALFORMED),
				Arguments.of("no mac", (Headers) (now) -> {
					String good = RawUpgrade.token(SECRET, 5, now, nonce);
					return new String[] { good.substring(0, good.indexOf(" mac=")) };
				}, Reason.MALFORMED),
				Arguments.of("version 2",
						(Headers) (now) -> new String[] { RawUpgrade.token(SECRET, 5, now, nonce).replace(": v1 ", ": v2 ") },
						Reason.MALFORMED),
				Arguments.of("short nonce", (Headers) (now) -> new String[] {
						RawUpgrade.token(SECRET, 5, now, nonce).replace(nonce, nonce.substring(2)) }, Reason.MALFORMED),
				Arguments.of("fields out of order",
						(Headers) (now) -> new String[] { "PubSubClub-Auth: v1 ts=" + now + " node=5 nonce=" + nonce
								+ " mac=" + mac(RawUpgrade.token(SECRET, 5, now, nonce)) },
						Reason.MALFORMED),
				Arguments.of("two tokens", (Headers) (now) -> new String[] { RawUpgrade.token(SECRET, 5, now, nonce),
						RawUpgrade.token(SECRET, 5, now, RawUpgrade.nonce()) }, Reason.MALFORMED),
				Arguments.of("garbage", (Headers) (now) -> new String[] { "PubSubClub-Auth: Bearer abc" },
						Reason.MALFORMED));
	}

	private static String mac(String token) {
		return token.substring(token.indexOf("mac=") + 4);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badTokens")
	void aBadTokenGets401AndNoWebSocket(String name, Headers token, Reason reason, CapturedOutput output)
			throws Exception {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		String[] headers = token.at(Instant.now().getEpochSecond());
		try (RawUpgrade upgrade = RawUpgrade.open(producer.address().port(), headers)) {
			assertThat(upgrade.status).isEqualTo(401);
			assertThat(upgrade.header("Upgrade")).isNull();
			assertThat(upgrade.header("Sec-WebSocket-Accept")).isNull();
			assertThat(upgrade.header("PubSubClub-Auth")).isNull();
			assertThat(upgrade.header("WWW-Authenticate")).isEqualTo("PubSubClub-Auth");
			// a refused peer learns nothing of this node, not even its identity
			assertThat(upgrade.header("PubSubClub-Node")).isNull();
			// the connection still speaks HTTP, or is closed: nothing came between
			String next = upgrade.nextAfterRefusal();
			assertThat(next).satisfiesAnyOf((line) -> assertThat(line).isNull(),
					(line) -> assertThat(line).startsWith("HTTP/1.1 "));
		}
		assertThat(authenticator(producer).refusals(reason)).isOne();
		assertThat(authenticator(producer).refusals().values().stream().mapToLong(Long::longValue).sum()).isOne();
		assertThat(producer.links()).isEmpty();
		assertThat(authenticator(producer).rememberedNonces()).isZero();
		assertThat(output).contains("Refused cluster link from 127.0.0.1:").contains(": " + reason.tag() + " (HTTP 401)");
		for (String header : headers) {
			String value = header.substring(header.indexOf(':') + 1).trim();
			if (value.contains("mac=")) {
				assertThat(output).doesNotContain(value.substring(value.indexOf("mac=") + 4));
			}
		}
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void aTokenWrittenFromTheProtocolTextIsAcceptedOnceWithTheServersProof() throws Exception {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		String nonce = RawUpgrade.nonce();
		// 59 s behind: still inside the clock window
		String token = RawUpgrade.token(SECRET, 5, Instant.now().getEpochSecond() - 59, nonce);
		try (RawUpgrade upgrade = RawUpgrade.open(producer.address().port(), token)) {
			assertThat(upgrade.status).isEqualTo(101);
			assertThat(upgrade.header("PubSubClub-Auth")).isEqualTo("v1 node=" + PRODUCER_ID + " mac="
					+ RawUpgrade.hmac(SECRET, "psc-auth-v1-accept|" + PRODUCER_ID + "|" + nonce));
			assertThat(upgrade.header("PubSubClub-Node")).contains(String.valueOf(PRODUCER_ID));
			upgrade.sendText("[101,[1,0],[1,1]]");
			assertThat(upgrade.readText()).isEqualTo("[102,[1,1]," + PRODUCER_ID + "]");
		}
		try (RawUpgrade replay = RawUpgrade.open(producer.address().port(), token)) {
			assertThat(replay.status).isEqualTo(401);
		}
		assertThat(authenticator(producer).refusals(Reason.REPLAYED)).isOne();
		assertThat(authenticator(producer).rememberedNonces()).isOne();
	}

	@Test
	void aServerWithoutTheSecretCannotPoseAsAProducer() throws Exception {
		try (FakeClusterServer fake = new FakeClusterServer((request) -> null)) {
			Node consumer = consumerClient("127.0.0.1:" + fake.port(), "pubsubclub.link.secret=" + SECRET);
			consumer.subscribers().subscribe("t");
			String token = fake.requests.poll(15, TimeUnit.SECONDS).get("pubsubclub-auth").get(0);
			assertThat(token).matches("v1 node=\\d+ ts=\\d+ nonce=[0-9a-f]{32} mac=[0-9a-f]{64}");
			assertThat(fake.frames.poll(15, TimeUnit.SECONDS)).isEqualTo("close:1008");
			await().atMost(WAIT).until(() -> authenticator(consumer).refusals(Reason.SERVER_PROOF_WRONG) >= 1);
			assertThat(dialError(consumer)).contains("no PubSubClub-Auth proof in the 101 response");
			// every later attempt is closed the same way, never a PSC frame
			assertThat(fake.frames.poll(15, TimeUnit.SECONDS)).isEqualTo("close:1008");
			assertThat(consumer.readyLinks()).isZero();
		}
	}

	@Test
	void aServerWithAProofUnderAnotherSecretCannotPoseAsAProducer(CapturedOutput output) throws Exception {
		try (FakeClusterServer fake = new FakeClusterServer((request) -> proof(OTHER, request))) {
			Node consumer = consumerClient("127.0.0.1:" + fake.port(), "pubsubclub.link.secret=" + SECRET);
			assertThat(fake.frames.poll(15, TimeUnit.SECONDS)).isEqualTo("close:1008");
			await().atMost(WAIT).until(() -> dialError(consumer).contains("wrong PubSubClub-Auth proof"));
			assertThat(consumer.readyLinks()).isZero();
			assertThat(output).contains("Cluster server 127.0.0.1:" + fake.port() + " failed authentication: wrong");
		}
	}

	@Test
	void aServerWithTheRightProofGetsTheHandshake() throws Exception {
		try (FakeClusterServer fake = new FakeClusterServer((request) -> proof(SECRET, request))) {
			consumerClient("127.0.0.1:" + fake.port(), "pubsubclub.link.secret=" + SECRET);
			// the consumer's 101 (its offer includes 1.2 where resume is on)
			assertThat(fake.frames.poll(15, TimeUnit.SECONDS)).startsWith("text:[101,[1,0],[1,1]");
		}
	}

	private static String proof(String secret, java.util.Map<String, List<String>> request) {
		String token = request.get("pubsubclub-auth").get(0);
		String nonce = token.substring(token.indexOf("nonce=") + 6, token.indexOf(" mac="));
		try {
			return "v1 node=99 mac=" + RawUpgrade.hmac(secret, "psc-auth-v1-accept|99|" + nonce);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void aRealServerWithoutASecretIsNotLinkedByANodeWithOne() {
		Node producer = producerServer();
		Node consumer = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + SECRET);
		await().atMost(WAIT).until(() -> authenticator(consumer).refusals(Reason.SERVER_PROOF_WRONG) >= 2);
		assertThat(consumer.readyLinks()).isZero();
		assertThat(producer.readyLinks()).isZero();
	}

	@Test
	void secretsRotateOneNodeAtATime() {
		String next = "the next secret of the cluster";
		// step 1 done on the producer: it signs with the old secret and accepts the next
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET, "pubsubclub.link.accepted-secrets=" + next);
		// a node not yet touched, and one at step 2 (signs with the next, accepts the old)
		Node old = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + SECRET);
		Node rotated = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + next,
				"pubsubclub.link.accepted-secrets=" + SECRET);
		Node stranger = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + OTHER);
		old.subscribers().subscribe("t");
		rotated.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> old.readyLinks() == 1 && rotated.readyLinks() == 1);
		await().atMost(WAIT).until(() -> producer.forwards("t") && producer.readyLinks() == 2);
		producer.subscribers().publish("t", "1");
		await().atMost(WAIT).until(() -> old.subscribers().delivered().contains("t 1")
				&& rotated.subscribers().delivered().contains("t 1"));
		await().atMost(WAIT).until(() -> authenticator(producer).refusals(Reason.BAD_MAC) >= 1);
		assertThat(stranger.readyLinks()).isZero();
		assertThat(authenticator(producer).acceptedSecretCount()).isEqualTo(2);
	}

	@Test
	void aFloodOfForgedUpgradesIsRefusedWithoutRememberingANonceAndGoodLinksStillLink() throws Exception {
		Node producer = producerServer("pubsubclub.link.secret=" + SECRET);
		long now = Instant.now().getEpochSecond();
		for (int i = 0; i < 200; i++) {
			try (RawUpgrade upgrade = RawUpgrade.open(producer.address().port(),
					RawUpgrade.token(OTHER, i, now, RawUpgrade.nonce()))) {
				assertThat(upgrade.status).isEqualTo(401);
			}
		}
		assertThat(authenticator(producer).refusals(Reason.BAD_MAC)).isEqualTo(200);
		assertThat(authenticator(producer).rememberedNonces()).isZero();
		Node consumer = consumerClient(producer.address().toString(), "pubsubclub.link.secret=" + SECRET);
		await().atMost(WAIT).until(() -> consumer.readyLinks() == 1);
	}

}
