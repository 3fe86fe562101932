package io.pubsubclub.wamp;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session that stops reading is cut off (1013) and counted; the others go on.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-buffer-size=16KB",
				"pubsubclub.wamp.send-time-limit=10s" })
class WampSlowSessionIntegrationTests extends WampServerTestBase {

	private static final String FLOOD = "http://example.com/slow#flood";

	private static final String ALIVE = "http://example.com/slow#alive";

	@Autowired
	MeterRegistry registry;

	@Autowired
	WampTestApplication.Procedures procedures;

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

	@Test
	void slowSessionIsClosedWhileEveryCallThreadIsBusy() throws Exception {
		this.procedures.blockRelease = new java.util.concurrent.CountDownLatch(1);
		this.procedures.blockStarted.clear();
		java.util.List<WampTestClient> callers = new java.util.ArrayList<>();
		try (RawWampSocket slow = new RawWampSocket(this.port, 4096)) {
			// more sessions with a blocked call than the call executor has threads (8)
			for (int i = 0; i < 10; i++) {
				WampTestClient caller = WampTestClient.connect(this.port);
				callers.add(caller);
				caller.send(2, "b", "http://example.com/rpc#block", "b" + i);
			}
			await().atMost(WampTestClient.timeout()).until(() -> this.procedures.blockStarted.size() == 8);
			slow.open();
			String topic = FLOOD + "-busy";
			slow.sendText("[5,\"" + topic + "\"]");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == 1);
			long before = this.metrics.getSlowSessionCloses();
			String payload = "x".repeat(4000);
			for (int i = 0; i < 50_000 && this.metrics.getSlowSessionCloses() == before; i++) {
				this.publisher.publish(topic, payload);
			}
			assertThat(this.metrics.getSlowSessionCloses()).isEqualTo(before + 1);
			// the close does not wait for a call thread
			await().atMost(WampTestClient.timeout())
				.until(() -> !this.server.getTopicSubscriberCounts().containsKey(topic));
			assertThat(this.procedures.blockStarted).hasSize(8);
			assertThat(slow.closeCode()).isEqualTo(1013);
		}
		finally {
			this.procedures.blockRelease.countDown();
			for (WampTestClient caller : callers) {
				caller.close();
			}
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
