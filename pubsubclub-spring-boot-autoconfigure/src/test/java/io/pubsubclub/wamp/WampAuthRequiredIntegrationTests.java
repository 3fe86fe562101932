package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.socket.CloseStatus;

import static io.pubsubclub.wamp.WampCraTestSupport.assertCallError;
import static io.pubsubclub.wamp.WampCraTestSupport.authenticate;
import static io.pubsubclub.wamp.WampCraTestSupport.barrier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code pubsubclub.wamp.auth.required} and {@code pubsubclub.wamp.auth.timeout} over real
 * sessions.
 */
@SpringBootTest(classes = WampAuthTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pubsubclub.wamp.auth.required=true", "pubsubclub.wamp.auth.timeout=5s" })
class WampAuthRequiredIntegrationTests {

	private static final String ROOM = "http://example.com/chat#room1";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampAuthMetrics authMetrics;

	@DynamicPropertySource
	static void users(DynamicPropertyRegistry registry) {
		WampAuthTestApplication.registerUsers(registry);
	}

	@Test
	void anUnauthenticatedSessionMayOnlyAuthenticate() throws Exception {
		long notAuthenticated = this.authMetrics.get(Outcome.NOT_AUTHENTICATED);
		long refusedSubscribes = this.server.getMetrics().getRefusedSubscribes();
		long refusedPublishes = this.server.getMetrics().getRefusedPublishes();
		try (WampTestClient client = WampTestClient.connect(this.port);
				WampTestClient joe = WampTestClient.connect(this.port)) {
			authenticate(joe, "joe", "joe-secret");
			joe.send(5, ROOM);
			barrier(joe);
			client.send(5, ROOM);
			client.send(7, ROOM, "not authenticated");
			client.send(2, "c", "http://example.com/rpc#echo", 1);
			assertCallError(client.next(), "c", "http://api.wamp.ws/error#not-authorized");
			assertThat(this.server.getTopicSubscriberCounts()).containsEntry(ROOM, 1);
			// then it authenticates, and may
			authenticate(client, "joe", "joe-secret");
			client.send(5, ROOM);
			barrier(client);
			client.send(7, ROOM, "marker", false);
			assertThat(joe.eventsUntil("marker")).isEmpty();
			assertThat(client.eventsUntil("marker")).isEmpty();
		}
		assertThat(this.authMetrics.get(Outcome.NOT_AUTHENTICATED) - notAuthenticated).isEqualTo(3);
		assertThat(this.server.getMetrics().getRefusedSubscribes() - refusedSubscribes).isOne();
		assertThat(this.server.getMetrics().getRefusedPublishes() - refusedPublishes).isOne();
	}

	@Test
	void aSessionThatDoesNotAuthenticateInTimeIsClosedOneThatDoesIsNot() throws Exception {
		long timeouts = this.authMetrics.get(Outcome.TIMEOUT);
		// the authenticated session opens first: its timeout, were it not cancelled, would
		// come before the other's
		try (WampTestClient joe = WampTestClient.connect(this.port);
				WampTestClient idle = WampTestClient.connect(this.port)) {
			authenticate(joe, "joe", "joe-secret");
			await().atMost(WampTestClient.timeout()).until(() -> idle.closeStatus() != null);
			assertThat(idle.closeStatus().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
			assertThat(idle.closeStatus().getReason()).startsWith("not authenticated within");
			barrier(joe);
			assertThat(joe.isOpen()).isTrue();
		}
		assertThat(this.authMetrics.get(Outcome.TIMEOUT) - timeouts).isOne();
	}

}
