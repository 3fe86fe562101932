package io.pubsubclub.transport;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.WampServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A subscriber that stops reading until its socket takes no more, then reads again, gets
 * every event in order and keeps its session: the starter's transport waits for Tomcat's
 * write-ready event and goes on where it stopped.
 */
@SpringBootTest(classes = LeanTransportIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-time-limit=60s",
				"pubsubclub.wamp.send-buffer-size=256MB" })
class LeanTransportBackPressureIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	TomcatUpgradeStrategy strategy;

	@Test
	void subscriberThatStopsReadingGetsEveryEventInOrderWhenItReadsAgain() throws Exception {
		String topic = "http://example.com/lean#" + UUID.randomUUID();
		String payload = "y".repeat(4000);
		try (RawWebSocket subscriber = RawWebSocket.wamp(this.port); RawWebSocket publisher = RawWebSocket.wamp(this.port)) {
			subscriber.nextText();
			publisher.nextText();
			subscriber.sendText("[5,\"" + topic + "\"]");
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == 1);
			int published = 0;
			// until the subscriber's socket takes no more (and some beyond), bounded
			while (published < 50_000 && (this.strategy.getStalledSessions() == 0 || published % 500 != 0)) {
				publisher.sendText("[7,\"" + topic + "\",\"" + published + payload + "\"]");
				published++;
			}
			publisher.sendText("[7,\"" + topic + "\",\"last\"]");
			assertThat(this.strategy.getStalledSessions()).as("the subscriber's socket stalled").isPositive();
			for (int i = 0; i < published; i++) {
				assertThat(subscriber.nextText()).isEqualTo("[8,\"" + topic + "\",\"" + i + payload + "\"]");
			}
			assertThat(subscriber.nextText()).isEqualTo("[8,\"" + topic + "\",\"last\"]");
			assertThat(this.server.getMetrics().getSlowSessionCloses()).isZero();
		}
	}

}
