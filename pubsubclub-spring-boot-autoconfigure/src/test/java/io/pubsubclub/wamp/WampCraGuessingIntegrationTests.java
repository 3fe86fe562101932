package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static io.pubsubclub.wamp.WampCraTestSupport.AUTH;
import static io.pubsubclub.wamp.WampCraTestSupport.AUTHREQ;
import static io.pubsubclub.wamp.WampCraTestSupport.assertCallError;
import static io.pubsubclub.wamp.WampCraTestSupport.sign;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * WAMP-CRA guessing across sessions, from two loopback addresses: a guesser opening
 * session after session is held back after a few failures, per auth key and per address;
 * a real user of another key from another address signs in all the same. Holds are long
 * (a minute and more) so that no timing decides the outcome.
 */
@SpringBootTest(classes = WampAuthTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.auth.max-failures=3",
				"pubsubclub.wamp.auth.failure-delay=0s", "pubsubclub.wamp.auth.throttle.failures=4",
				"pubsubclub.wamp.auth.throttle.initial-delay=1m", "pubsubclub.wamp.auth.throttle.max-delay=10m" })
@DirtiesContext
class WampCraGuessingIntegrationTests {

	private static final String ERROR = "http://api.wamp.ws/error#";

	private static final String ATTACKER = "127.0.0.2";

	private static final String USER = "127.0.0.3";

	@LocalServerPort
	int port;

	@Autowired
	WampAuthMetrics authMetrics;

	@org.springframework.test.context.DynamicPropertySource
	static void users(org.springframework.test.context.DynamicPropertyRegistry registry) {
		WampAuthTestApplication.registerUsers(registry);
	}

	@Test
	void aGuesserOpeningNewSessionsIsHeldBackWhileARealUserOfAnotherKeyFromAnotherAddressSignsIn()
			throws Exception {
		long throttled = this.authMetrics.get(Outcome.THROTTLED);
		int guesses = 0;
		int heldBack = 0;
		// five sessions of up to three tries each: without a limit across sessions,
		// fifteen guesses at joe's secret
		for (int s = 0; s < 5; s++) {
			try (BoundWampClient attacker = new BoundWampClient(ATTACKER, this.port)) {
				for (int t = 0; t < 3; t++) {
					String id = s + "-" + t;
					attacker.send(2, "req" + id, AUTHREQ, "joe");
					JsonNode answer = attacker.next();
					if (answer.get(0).intValue() == 4) {
						assertCallError(answer, "req" + id, ERROR + "too-many-failures");
						assertThat(answer.get(3).stringValue()).contains("retry in");
						heldBack++;
						continue;
					}
					attacker.send(2, "auth" + id, AUTH, sign(answer.get(2).stringValue(), "guess " + id));
					JsonNode verdict = attacker.next();
					assertThat(verdict.get(0).intValue()).as(verdict.toString()).isEqualTo(4);
					guesses++;
				}
			}
		}
		assertThat(guesses).as("guesses that reached a signature check").isEqualTo(4);
		assertThat(heldBack).isEqualTo(11);
		assertThat(this.authMetrics.get(Outcome.THROTTLED) - throttled).isEqualTo(11);
		// the attacker's address is held back for any key, joe's key from any address
		try (BoundWampClient attacker = new BoundWampClient(ATTACKER, this.port)) {
			attacker.send(2, "other", AUTHREQ, "ann");
			assertCallError(attacker.next(), "other", ERROR + "too-many-failures");
		}
		try (BoundWampClient joe = new BoundWampClient(USER, this.port)) {
			joe.send(2, "joe", AUTHREQ, "joe");
			assertCallError(joe.next(), "joe", ERROR + "too-many-failures");
		}
		// a real user of another key, from another address
		try (BoundWampClient ann = new BoundWampClient(USER, this.port)) {
			ann.send(2, "req", AUTHREQ, "ann");
			JsonNode challenge = ann.next();
			assertThat(challenge.get(0).intValue()).as(challenge.toString()).isEqualTo(3);
			ann.send(2, "auth", AUTH, sign(challenge.get(2).stringValue(), "ann-secret"));
			JsonNode permissions = ann.next();
			assertThat(permissions.get(0).intValue()).as(permissions.toString()).isEqualTo(3);
		}
	}

}
