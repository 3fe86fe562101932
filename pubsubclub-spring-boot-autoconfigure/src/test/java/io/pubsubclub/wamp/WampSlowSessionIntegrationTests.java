package io.pubsubclub.wamp;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session that stops reading is cut off (1013) and counted; the others go on.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-buffer-size=16KB",
				"pubsubclub.wamp.send-time-limit=10s" })
class WampSlowSessionIntegrationTests {

	private static final String FLOOD = "http://example.com/slow#flood";

	private static final String ALIVE = "http://example.com/slow#alive";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampServerMetrics metrics;

	@Autowired
	WampPublisher publisher;

	@Autowired
	MeterRegistry registry;

	@Test
	void sessionThatStopsReadingIsClosedWith1013AndCountedWhileOthersKeepReceiving() throws Exception {
		try (WampTestClient good = WampTestClient.connect(this.port);
				RawWampSocket slow = new RawWampSocket(this.port, 4096)) {
			good.send(5, ALIVE);
			slow.open();
			slow.sendText("[5,\"" + FLOOD + "\"]");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(FLOOD, 0) == 1
						&& this.server.getTopicSubscriberCounts().containsKey(ALIVE));
			long before = this.metrics.getSlowSessionCloses();
			double dropsBefore = slowSessionDrops();
			String payload = "x".repeat(4000);
			int receivedDuringFlood = 0;
			for (int i = 0; i < 50_000 && this.metrics.getSlowSessionCloses() == before; i++) {
				this.publisher.publish(FLOOD, payload);
				if (i % 20 == 0) {
					// the other session gets its event while the slow one is still being flooded
					this.publisher.publish(ALIVE, "during " + i);
					assertThat(good.nextText()).isEqualTo("[8,\"" + ALIVE + "\",\"during " + i + "\"]");
					if (this.metrics.getSlowSessionCloses() == before) {
						receivedDuringFlood++;
					}
				}
			}
			assertThat(this.metrics.getSlowSessionCloses()).isEqualTo(before + 1);
			assertThat(receivedDuringFlood).isPositive();
			// the drops meter counts it by reason
			assertThat(slowSessionDrops()).isEqualTo(dropsBefore + 1);
			// reading again, the slow client finds the close frame behind what was in flight
			assertThat(slow.closeCode()).isEqualTo(1013);
			await().atMost(WampTestClient.timeout())
				.until(() -> !this.server.getTopicSubscriberCounts().containsKey(FLOOD));

			this.publisher.publish(ALIVE, "still here");
			assertThat(good.nextText()).isEqualTo("[8,\"" + ALIVE + "\",\"still here\"]");
			assertThat(good.isOpen()).isTrue();
		}
	}

	private double slowSessionDrops() {
		return this.registry.get("pubsubclub.drops")
			.tag("reason", "slow-session")
			.tag("type", "wamp-session")
			.functionCounter()
			.count();
	}

}
