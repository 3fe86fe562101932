package io.pubsubclub.cluster.transport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The exact frames exchanged with a peer that behaves as the Python implementation does
 * (PROTOCOL.md), in both roles and both directions.
 */
class WireTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void pythonConsumerClientDiallingOurProducerServer() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.node-id=424242");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,0],[1,1]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,1],424242]");
			consumer.send("[201,\"http://example.com/t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("http://example.com/t"));
			producer.subscribers().publish("http://example.com/t", "{\"a\":[1,\"\\u00e9\"]}");
			assertThat(consumer.next()).isEqualTo("[301,\"http://example.com/t\",{\"a\":[1,\"\\u00e9\"]}]");
			consumer.send("[202,\"http://example.com/t\"]");
			await().atMost(WAIT).until(() -> !producer.forwards("http://example.com/t"));
		}
	}

	@Test
	void pythonConsumerNeverGetsAPublishNamingSessionsAndSeesPlainOnesAsToday() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.node-id=424242");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,0],[1,1]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,1],424242]");
			consumer.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			producer.subscribers().publishNaming("t", "\"for one\"", null, Set.of("a-far-session"));
			producer.subscribers().publishNaming("t", "\"for no one\"", null, Set.of());
			producer.subscribers().publish("t", "\"for all\"");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",\"for all\"]");
			assertThat(producer.cluster().totals().resume().withheld()).isEqualTo(2);
		}
	}

	@Test
	void consumerSpeaking12GetsEpochSequenceNumbersAndAResume() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.node-id=424242");
		String epoch;
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,0],[1,1],[1,2]]");
			String welcome = consumer.next();
			assertThat(welcome).matches("\\[102,\\[1,2\\],424242,\"[A-Za-z0-9_-]{16}\"\\]");
			epoch = welcome.substring(welcome.indexOf('"') + 1, welcome.lastIndexOf('"'));
			consumer.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			producer.subscribers().publish("t", "{\"a\":1}");
			producer.subscribers().publishNaming("t", "2", Set.of("x"), Set.of("y"));
			assertThat(consumer.next()).isEqualTo("[301,\"t\",{\"a\":1},1]");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",2,2,{\"exclude\":[\"x\"],\"eligible\":[\"y\"]}]");
		}
		await().atMost(WAIT).until(() -> producer.readyLinks() == 0);
		producer.subscribers().publish("t", "3");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,2]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,2],424242,\"" + epoch + "\"]");
			consumer.send("[203,\"" + epoch + "\",1,\"t\"]");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",2,2,{\"exclude\":[\"x\"],\"eligible\":[\"y\"]}]");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",3,3]");
			assertThat(consumer.next()).isEqualTo("[204,true]");
			producer.subscribers().publish("t", "4");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",4,4]");
			// a second 203 is out of place
			consumer.send("[203,\"" + epoch + "\",1,\"t\"]");
			CloseStatus status = consumer.awaitClose();
			assertThat(status.getCode()).isEqualTo(1002);
			assertThat(status.getReason()).isEqualTo("203 out of place: only right after the 102");
		}
	}

	@Test
	void ourProducerServerWritesABurstInOrderAndFlushesTheLastFrame() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.node-id=424242");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,0],[1,1]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,1],424242]");
			consumer.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			// the first frame is written by the publishing thread, those that queue up
			// behind it in batches by the server's threads
			assertBurstArrivesInOrder(producer, consumer::next);
		}
	}

	@Test
	void consumerSpeakingOnly10GetsWelcomeWithoutId() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,0]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,0]]");
		}
	}

	@Test
	void consumerWithNoVersionInCommonIsClosed() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[2,0]]");
			CloseStatus status = consumer.awaitClose();
			assertThat(status.getCode()).isEqualTo(1002);
			assertThat(status.getReason()).startsWith("no common protocol version");
			assertThat(consumer.frames).isEmpty();
		}
	}

	@Test
	void subscribeWithSeveralTopicsIsAccepted() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,1]]");
			consumer.next();
			consumer.send("[201,\"a\",\"b\"]");
			await().atMost(WAIT).until(() -> producer.forwards("a") && producer.forwards("b"));
			producer.subscribers().publish("a", "1");
			producer.subscribers().publish("b", "2");
			assertThat(List.of(consumer.next(), consumer.next())).containsExactly("[301,\"a\",1]", "[301,\"b\",2]");
		}
	}

	@Test
	void pythonConsumerPingingUsAsServerGetsPongs() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,1]]");
			consumer.next();
			consumer.ping();
			consumer.ping();
			await().atMost(WAIT).until(() -> consumer.pongs.size() == 2);
			assertThat(producer.readyLinks()).isOne();
		}
	}

	@Test
	void pythonProducerClientDiallingOurConsumerServer() throws Exception {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0");
		consumer.subscribers().subscribe("a");
		try (RawClient producer = RawClient.connect(consumer.cluster().serverPort())) {
			// the 1.2 offered beside 1.0 and 1.1 is what a Python producer ignores
			assertThat(producer.next()).isEqualTo("[101,[1,0],[1,1],[1,2]]");
			producer.send("[102,[1,1],99]");
			assertThat(producer.next()).isEqualTo("[201,\"a\"]");
			producer.send("[301,\"a\",true]");
			await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("a true"));
			assertThat(consumer.links().get(0).farNodeId()).isEqualTo(99);
		}
	}

	@Test
	void ourConsumerClientDiallingPythonProducerServer() throws Exception {
		try (RawServer producer = new RawServer((session) -> {
		})) {
			Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client");
			consumer.subscribers().subscribe("a");
			consumer.subscribers().subscribe("b");
			consumer.peers().add(io.pubsubclub.cluster.PeerAddress.parse(producer.address()));
			// the 1.2 offered beside 1.0 and 1.1 is what a Python producer ignores
			assertThat(producer.next()).isEqualTo("[101,[1,0],[1,1],[1,2]]");
			producer.send("[102,[1,1],4242]");
			assertThat(Set.of(producer.next(), producer.next())).containsExactlyInAnyOrder("[201,\"a\"]",
					"[201,\"b\"]");
			consumer.subscribers().subscribe("c");
			assertThat(producer.next()).isEqualTo("[201,\"c\"]");
			consumer.subscribers().unsubscribe("c");
			assertThat(producer.next()).isEqualTo("[202,\"c\"]");
			producer.send("[301,\"a\",{\"x\":[1]}]");
			await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("a {\"x\":[1]}"));
			assertThat(producer.frames).isEmpty();
		}
	}

	@Test
	void ourProducerClientDiallingPythonConsumerServer() throws Exception {
		try (RawServer consumer = new RawServer((session) -> session.getAsyncRemote().sendText("[101,[1,0],[1,1]]"))) {
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.node-id=7", "pubsubclub.peers=" + consumer.address());
			assertThat(consumer.next()).isEqualTo("[102,[1,1],7]");
			consumer.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			producer.subscribers().publish("t", "[1,2]");
			assertThat(consumer.next()).isEqualTo("[301,\"t\",[1,2]]");
		}
	}

	@Test
	void ourProducerClientWritesABurstInBatchesInOrderAndFlushesTheLastFrame() throws Exception {
		try (RawServer consumer = new RawServer((session) -> session.getAsyncRemote().sendText("[101,[1,0],[1,1]]"))) {
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.node-id=7", "pubsubclub.peers=" + consumer.address());
			assertThat(consumer.next()).isEqualTo("[102,[1,1],7]");
			consumer.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			// frames queue up behind the one being written and go out together
			assertBurstArrivesInOrder(producer, consumer::next);
		}
	}

	@Test
	void bothRolesServingTellAPythonConsumerFromAPythonProducer() throws Exception {
		Node node = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.consumer.mode=server", "pubsubclub.server.port=0",
				"pubsubclub.node-id=5");
		node.subscribers().subscribe("s");
		try (RawClient consumer = RawClient.connect(node.cluster().serverPort());
				RawClient producer = RawClient.connect(node.cluster().serverPort())) {
			consumer.send("[101,[1,0],[1,1]]");
			assertThat(consumer.next()).isEqualTo("[102,[1,1],5]");
			// a producer waits for 101; the node sends it once the far side stayed silent
			// the 1.2 offered beside 1.0 and 1.1 is what a Python producer ignores
			assertThat(producer.next()).isEqualTo("[101,[1,0],[1,1],[1,2]]");
			producer.send("[102,[1,1],6]");
			assertThat(producer.next()).isEqualTo("[201,\"s\"]");
		}
	}

	@Test
	void badInputClosesOnlyThatLinkAndIsCounted() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.max-message-size=1KB");
		int port = producer.cluster().serverPort();
		try (RawClient good = RawClient.connect(port)) {
			good.send("[101,[1,1]]");
			good.next();
			good.send("[201,\"t\"]");
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			assertClosed(port, List.of("not json"), 1002, "frame is not valid JSON");
			assertClosed(port, List.of("{\"type\":101}"), 1002, "frame is not a JSON array");
			assertClosed(port, List.of("[777]"), 1002, "unknown message type 777");
			assertClosed(port, List.of("[101,1]"), 1002, "101 version is not [major, minor]");
			assertClosed(port, List.of("[201,\"t\"]"), 1002, "expected 101 before anything else");
			assertClosed(port, List.of("[101,[1,1]]", "[301,\"t\",1]"), 1002, "301 sent to a producer");
			assertClosed(port, List.of("[101,[1,1]]", "[201,\"" + "x".repeat(2000) + "\"]"), 1009, null);
			producer.subscribers().publish("t", "\"still here\"");
			assertThat(good.next()).isEqualTo("[301,\"t\",\"still here\"]");
			assertThat(producer.cluster().state().totals().badFrames()).isEqualTo(7);
			assertThat(producer.readyLinks()).isOne();
		}
	}

	@Test
	void framesLongerThanTheContainerBufferAreAssembledAndTheLimitHoldsOnAcceptedLinks() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.max-message-size=32KB");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,1]]");
			consumer.next();
			// Tomcat's default text buffer holds 8 K characters: this frame comes in parts
			String topic = "t".repeat(20 * 1024);
			consumer.send("[201,\"" + topic + "\"]");
			await().atMost(WAIT).until(() -> producer.forwards(topic));
			consumer.send("[201,\"" + "u".repeat(32 * 1024) + "\"]");
			CloseStatus status = consumer.awaitClose();
			assertThat(status.getCode()).isEqualTo(1009);
			assertThat(status.getReason()).isEqualTo("frame over the size limit of 32768");
			assertThat(producer.cluster().state().totals().badFrames()).isEqualTo(1);
		}
	}

	@Test
	void theLimitCountsCharactersNotBytesOnAcceptedLinks() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.max-message-size=32KB");
		try (RawClient consumer = RawClient.connect(producer.cluster().serverPort())) {
			consumer.send("[101,[1,1]]");
			consumer.next();
			// 20 K characters, 40 KB of UTF-8: under the limit, which is in characters
			String topic = "é".repeat(20 * 1024);
			consumer.send("[201,\"" + topic + "\"]");
			await().atMost(WAIT).until(() -> producer.forwards(topic));
			assertThat(producer.cluster().state().totals().badFrames()).isZero();
		}
	}

	@Test
	void framesLongerThanTheContainerBufferAreAssembledAndTheLimitHoldsOnDialledLinks() throws Exception {
		try (RawServer producer = new RawServer((session) -> {
		})) {
			Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client",
					"pubsubclub.link.max-message-size=32KB");
			consumer.subscribers().subscribe("a");
			consumer.peers().add(io.pubsubclub.cluster.PeerAddress.parse(producer.address()));
			// the 1.2 offered beside 1.0 and 1.1 is what a Python producer ignores
			assertThat(producer.next()).isEqualTo("[101,[1,0],[1,1],[1,2]]");
			producer.send("[102,[1,1],4242]");
			assertThat(producer.next()).isEqualTo("[201,\"a\"]");
			String event = "\"" + "é".repeat(20 * 1024) + "\"";
			producer.send("[301,\"a\"," + event + "]");
			await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("a " + event));
			producer.send("[301,\"a\",\"" + "x".repeat(32 * 1024) + "\"]");
			jakarta.websocket.CloseReason closed = producer.awaitClose();
			assertThat(closed.getCloseCode().getCode()).isEqualTo(1009);
			assertThat(closed.getReasonPhrase()).isEqualTo("frame over the size limit of 32768");
			await().atMost(WAIT).until(() -> consumer.cluster().state().totals().badFrames() == 1);
			assertThat(consumer.subscribers().delivered()).hasSize(1);
		}
	}

	@Test
	void silentPeerIsClosedAtTheHandshakeTimeout() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.handshake-timeout=300ms");
		try (RawClient silent = RawClient.connect(producer.cluster().serverPort())) {
			CloseStatus status = silent.awaitClose();
			assertThat(status.getCode()).isEqualTo(1002);
			assertThat(status.getReason()).isEqualTo("handshake timeout");
		}
	}

	@Test
	void pythonPeerWithoutATokenLinksToANodeWithoutASecret() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1", "pubsubclub.node-id=424242");
		try (RawUpgrade python = RawUpgrade.open(producer.cluster().serverPort())) {
			assertThat(python.status).isEqualTo(101);
			assertThat(python.header("PubSubClub-Auth")).isNull();
			python.sendText("[101,[1,0],[1,1]]");
			assertThat(python.readText()).isEqualTo("[102,[1,1],424242]");
		}
	}

	@Test
	void ourClientDiallingAPythonServerWithoutASecretSendsNoToken() throws Exception {
		try (FakeClusterServer python = new FakeClusterServer((request) -> null)) {
			this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client",
					"pubsubclub.peers=127.0.0.1:" + python.port());
			assertThat(python.requests.poll(10, java.util.concurrent.TimeUnit.SECONDS))
				.doesNotContainKey("pubsubclub-auth");
			assertThat(python.frames.poll(10, java.util.concurrent.TimeUnit.SECONDS))
				.startsWith("text:[101,[1,0],[1,1]");
		}
	}

	@Test
	void clusterPortServesNothingButTheEndpoint() throws Exception {
		Node node = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0");
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> other = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.cluster().serverPort() + "/wamp")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(other.statusCode()).isEqualTo(404);
		HttpResponse<String> plain = http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.cluster().serverPort() + "/")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(plain.statusCode()).isEqualTo(400);
	}

	/**
	 * Publish faster than one write each, and check every 301 arrives in order. Nothing is
	 * sent after the last one, so only the flush at the end of a batch can bring it.
	 */
	private static void assertBurstArrivesInOrder(Node producer, Callable<String> next) throws Exception {
		int burst = 2000;
		for (int i = 0; i < burst; i++) {
			producer.subscribers().publish("t", "[" + i + "]");
		}
		for (int i = 0; i < burst; i++) {
			assertThat(next.call()).isEqualTo("[301,\"t\",[" + i + "]]");
		}
	}

	private static void assertClosed(int port, List<String> frames, int code, String reason) throws Exception {
		try (RawClient bad = RawClient.connect(port)) {
			for (String frame : frames) {
				bad.send(frame);
			}
			CloseStatus status = bad.awaitClose();
			assertThat(status.getCode()).isEqualTo(code);
			if (reason != null) {
				assertThat(status.getReason()).startsWith(reason);
			}
		}
	}

}
