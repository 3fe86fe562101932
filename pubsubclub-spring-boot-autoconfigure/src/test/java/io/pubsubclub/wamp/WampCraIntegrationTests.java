package io.pubsubclub.wamp;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import static io.pubsubclub.wamp.WampCraTestSupport.AUTH;
import static io.pubsubclub.wamp.WampCraTestSupport.AUTHREQ;
import static io.pubsubclub.wamp.WampCraTestSupport.assertCallError;
import static io.pubsubclub.wamp.WampCraTestSupport.authenticate;
import static io.pubsubclub.wamp.WampCraTestSupport.barrier;
import static io.pubsubclub.wamp.WampCraTestSupport.challenge;
import static io.pubsubclub.wamp.WampCraTestSupport.sign;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP-CRA over real sessions: the handshake with signatures computed here, every error
 * case, and the permissions it grants.
 */
@SpringBootTest(classes = WampAuthTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		// the limit per session here; across sessions: WampCraGuessingIntegrationTests
		properties = { "pubsubclub.wamp.auth.max-failures=3", "pubsubclub.wamp.auth.throttle.enabled=false" })
class WampCraIntegrationTests {

	private static final String ERROR = "http://api.wamp.ws/error#";

	private static final String ROOM = "http://example.com/chat#room1";

	private static final String NEWS = "http://example.com/news";

	private static final String SECRET_TOPIC = "http://example.com/secret";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampAuthMetrics authMetrics;

	@org.springframework.test.context.DynamicPropertySource
	static void users(org.springframework.test.context.DynamicPropertyRegistry registry) {
		WampAuthTestApplication.registerUsers(registry);
	}

	@Test
	void plainSecretHandshakeAnswersThePermissions() throws Exception {
		try (WampTestClient joe = WampTestClient.connect(this.port)) {
			String challenge = challenge(joe, "joe");
			JsonNode info = WampTestClient.JSON.readTree(challenge);
			assertThat(info.get("authkey").stringValue()).isEqualTo("joe");
			assertThat(info.get("sessionid").stringValue()).isEqualTo(joe.id());
			assertThat(info.has("authextra")).isFalse();
			joe.send(2, "a", AUTH, sign(challenge, "joe-secret"));
			assertThat(joe.next().get(2)).isEqualTo(WampTestClient.JSON.readTree("""
					{"pubsub":[{"uri":"http://example.com/chat#","prefix":true,"pub":true,"sub":true},
					{"uri":"http://example.com/news","prefix":false,"pub":false,"sub":true}],
					"rpc":[{"uri":"http://example.com/rpc#","prefix":true,"call":true}]}"""));
			joe.send(2, "w", "http://example.com/rpc#whoami");
			assertThat(joe.nextText()).isEqualTo("[3,\"w\",\"joe\"]");
		}
	}

	@Test
	void saltedSecretHandshakeSignsWithTheKeyDerivedFromAuthextra() throws Exception {
		try (WampTestClient ann = WampTestClient.connect(this.port)) {
			String challenge = challenge(ann, "ann");
			assertThat(WampTestClient.JSON.readTree(challenge).get("authextra").toString())
				.isEqualTo("{\"salt\":\"ann-salt\",\"iterations\":1000,\"keylen\":32}");
			ann.send(2, "a", AUTH, sign(challenge, "ann-secret"));
			JsonNode permissions = ann.next().get(2);
			assertThat(permissions.get("pubsub").get(0).get("uri").stringValue()).isEqualTo(NEWS);
			assertThat(permissions.get("rpc")).isEmpty();
		}
	}

	@Test
	void wrongSignatureIsRefusedAndTheChallengeIsSpent() throws Exception {
		try (WampTestClient joe = WampTestClient.connect(this.port)) {
			String challenge = challenge(joe, "joe");
			joe.send(2, "bad", AUTH, sign(challenge, "not joe's"));
			assertCallError(joe.next(), "bad", ERROR + "invalid-signature");
			joe.send(2, "late", AUTH, sign(challenge, "joe-secret"));
			assertCallError(joe.next(), "late", ERROR + "no-authentication-requested");
			// a new challenge, a new try
			authenticate(joe, "joe", "joe-secret");
		}
	}

	@Test
	void outOfOrderCallsAreAnsweredAsAutobahnDoes() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "early", AUTH, "sig");
			assertCallError(client.next(), "early", ERROR + "no-authentication-requested");
			challenge(client, "joe");
			client.send(2, "again", AUTHREQ, "joe");
			assertCallError(client.next(), "again", ERROR + "authentication-already-requested");
			client.send(2, "number", AUTH, 42);
			assertCallError(client.next(), "number", ERROR + "invalid-argument");
			client.send(2, "object", AUTH, Map.of("sig", "x"));
			assertCallError(client.next(), "object", ERROR + "invalid-argument");
		}
		try (WampTestClient joe = WampTestClient.connect(this.port)) {
			authenticate(joe, "joe", "joe-secret");
			joe.send(2, "twice", AUTHREQ, "joe");
			assertCallError(joe.next(), "twice", ERROR + "already-authenticated");
			joe.send(2, "auth-twice", AUTH, "x");
			assertCallError(joe.next(), "auth-twice", ERROR + "already-authenticated");
		}
	}

	@Test
	void badAuthreqArgumentsAreAnsweredAsAutobahnDoes() throws Exception {
		long invalid = this.authMetrics.get(Outcome.INVALID_ARGUMENT);
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "unknown", AUTHREQ, "nobody");
			assertCallError(client.next(), "unknown", ERROR + "no-such-authkey");
			client.send(2, "list-extra", AUTHREQ, "joe", List.of(1));
			assertCallError(client.next(), "list-extra", ERROR + "invalid-argument");
			client.send(2, "number-key", AUTHREQ, 7);
			assertCallError(client.next(), "number-key", ERROR + "invalid-argument");
			client.send(2, "huge-key", AUTHREQ, "k".repeat(10_000));
			JsonNode huge = client.next();
			assertCallError(huge, "huge-key", ERROR + "invalid-argument");
			assertThat(huge.toString()).doesNotContain("k".repeat(300));
			client.sendText("[2,\"anonymous\",\"" + AUTHREQ + "\",null]");
			assertCallError(client.next(), "anonymous", ERROR + "anonymous-auth-forbidden");
			// none of them spoiled the session: one more failure (the unknown key was one) is allowed
			authenticate(client, "joe", "joe-secret");
		}
		assertThat(this.authMetrics.get(Outcome.INVALID_ARGUMENT) - invalid).isEqualTo(3);
	}

	@Test
	void tooManyFailuresCloseTheSessionAndNoOther() throws Exception {
		long closed = this.authMetrics.get(Outcome.TOO_MANY_FAILURES);
		try (WampTestClient attacker = WampTestClient.connect(this.port);
				WampTestClient bystander = WampTestClient.connect(this.port)) {
			for (int i = 1; i <= 3; i++) {
				String challenge = challenge(attacker, "joe");
				attacker.send(2, "try" + i, AUTH, sign(challenge, "guess " + i));
				assertCallError(attacker.next(), "try" + i, ERROR + "invalid-signature");
			}
			await().atMost(WampTestClient.timeout()).until(() -> attacker.closeStatus() != null);
			assertThat(attacker.closeStatus().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			assertThat(attacker.closeStatus().getReason()).isEqualTo("too many failed authentication attempts");
			barrier(bystander);
			assertThat(bystander.isOpen()).isTrue();
		}
		assertThat(this.authMetrics.get(Outcome.TOO_MANY_FAILURES) - closed).isOne();
	}

	@Test
	void permissionsDecideWhatAnAuthenticatedSessionMaySubscribeTo() throws Exception {
		long refused = this.server.getMetrics().getRefusedSubscribes();
		try (WampTestClient joe = WampTestClient.connect(this.port);
				WampTestClient publisher = WampTestClient.connect(this.port)) {
			authenticate(joe, "joe", "joe-secret");
			joe.send(5, SECRET_TOPIC);
			joe.send(5, ROOM);
			barrier(joe);
			publisher.send(7, SECRET_TOPIC, "not for joe");
			publisher.send(7, ROOM, "marker");
			assertThat(joe.eventsUntil("marker")).isEmpty();
		}
		assertThat(this.server.getMetrics().getRefusedSubscribes() - refused).isOne();
	}

	@Test
	void permissionsDecideWhatAnAuthenticatedSessionMayPublishOn() throws Exception {
		long refused = this.server.getMetrics().getRefusedPublishes();
		try (WampTestClient joe = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			subscriber.send(5, NEWS);
			subscriber.send(5, ROOM);
			barrier(subscriber);
			authenticate(joe, "joe", "joe-secret");
			joe.send(7, NEWS, "joe may only read the news");
			joe.send(7, ROOM, "marker");
			assertThat(subscriber.eventsUntil("marker")).isEmpty();
		}
		assertThat(this.server.getMetrics().getRefusedPublishes() - refused).isOne();
	}

	@Test
	void permissionsDecideWhatAnAuthenticatedSessionMayCall() throws Exception {
		try (WampTestClient joe = WampTestClient.connect(this.port);
				WampTestClient anonymous = WampTestClient.connect(this.port)) {
			anonymous.send(2, "p", "http://example.com/other#ping");
			assertThat(anonymous.nextText()).isEqualTo("[3,\"p\",\"pong\"]");
			authenticate(joe, "joe", "joe-secret");
			long refused = this.authMetrics.get(Outcome.CALL_REFUSED);
			joe.send(2, "p", "http://example.com/other#ping");
			assertCallError(joe.next(), "p", ERROR + "not-authorized");
			joe.send(2, "e", "http://example.com/rpc#echo", 1);
			assertThat(joe.nextText()).isEqualTo("[3,\"e\",1]");
			assertThat(this.authMetrics.get(Outcome.CALL_REFUSED) - refused).isOne();
		}
	}

	@Test
	void subscriptionsMadeBeforeAuthenticatingAreCheckedAgain() throws Exception {
		try (WampTestClient joe = WampTestClient.connect(this.port);
				WampTestClient publisher = WampTestClient.connect(this.port)) {
			// anonymous: the global rules (any topic) allow both
			joe.send(5, SECRET_TOPIC);
			joe.send(5, ROOM);
			barrier(joe);
			publisher.send(7, SECRET_TOPIC, "before");
			publisher.send(7, ROOM, "marker");
			assertThat(joe.eventsUntil("marker")).hasSize(1);
			authenticate(joe, "joe", "joe-secret");
			publisher.send(7, SECRET_TOPIC, "after");
			publisher.send(7, ROOM, "marker");
			assertThat(joe.eventsUntil("marker")).isEmpty();
			assertThat(this.server.getTopicSubscriberCounts()).doesNotContainKey(SECRET_TOPIC);
		}
	}

	@Test
	void anonymousSessionsKeepTheGlobalRulesWhenNotRequired() throws Exception {
		try (WampTestClient anonymous = WampTestClient.connect(this.port);
				WampTestClient publisher = WampTestClient.connect(this.port)) {
			anonymous.send(5, SECRET_TOPIC);
			barrier(anonymous);
			publisher.send(7, SECRET_TOPIC, "marker");
			assertThat(anonymous.eventsUntil("marker")).isEmpty();
		}
	}

}
