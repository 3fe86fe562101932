package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.support.WebSocketWire.Frame;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ping ticks that come in a burst, as a fixed-rate timer catches up after its threads
 * were busy, must not close a healthy link: the timer here is the test's, and it runs
 * the pinger's ticks back to back.
 */
class PingCatchUpTests {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void ticksBackToBackDoNotCloseALinkWhosePongsCome() throws Exception {
		try (SocketPeer consumer = new SocketPeer(true, List.of("[201,\"t\"]"), false)) {
			Node producer = this.nodes.startWith(new Class<?>[] { ManualTicks.class },
					"pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client", "pubsubclub.node-id=3",
					"pubsubclub.link.ping-interval=1h", "pubsubclub.peers=" + consumer.address());
			assertThat(next(consumer).text()).isEqualTo("[102,[1,1],3]");
			await().atMost(Duration.ofSeconds(10)).until(() -> producer.forwards("t"));
			ManualTicks ticks = producer.context().getBean(ManualTicks.class);
			assertThat(ticks.periodic).hasSize(1);
			Runnable ping = ticks.periodic.get(0);
			// a timer whose threads were held up runs the ticks it missed in a row
			ping.run();
			ping.run();
			ping.run();
			producer.subscribers().publish("t", "\"after\"");
			// the ping and the event may cross on the wire; a close may not come at all
			List<Frame> frames = List.of(next(consumer), next(consumer));
			assertThat(frames).extracting(Frame::opcode).as("one ping and the event").containsExactlyInAnyOrder(0x9, 0x1);
			assertThat(frames).filteredOn((frame) -> frame.opcode() == 0x1)
				.singleElement()
				.satisfies((frame) -> assertThat(frame.text()).isEqualTo("[301,\"t\",\"after\"]"));
			assertThat(producer.links()).singleElement()
				.satisfies((link) -> assertThat(link.status()).isEqualTo(ClusterState.Status.READY));
		}
	}

	private static Frame next(SocketPeer peer) throws InterruptedException {
		Frame frame = peer.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10s").isNotNull();
		return frame;
	}

	/**
	 * The cluster's scheduler with periodic tasks that only the test runs.
	 */
	@Configuration(proxyBeanMethods = false)
	static class ManualTicks {

		final List<Runnable> periodic = new CopyOnWriteArrayList<>();

		@Bean(name = "pubsubclubTaskScheduler", destroyMethod = "shutdown")
		ThreadPoolTaskScheduler pubsubclubTaskScheduler() {
			ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler() {

				@Override
				public ScheduledFuture<?> scheduleAtFixedRate(Runnable task, Instant startTime, Duration period) {
					return capture(this, task);
				}

				@Override
				public ScheduledFuture<?> scheduleWithFixedDelay(Runnable task, Instant startTime, Duration delay) {
					return capture(this, task);
				}

			};
			scheduler.setPoolSize(2);
			scheduler.initialize();
			return scheduler;
		}

		private ScheduledFuture<?> capture(ThreadPoolTaskScheduler scheduler, Runnable task) {
			this.periodic.add(task);
			return scheduler.schedule(() -> {
			}, Instant.now().plus(Duration.ofDays(1)));
		}

	}

}
