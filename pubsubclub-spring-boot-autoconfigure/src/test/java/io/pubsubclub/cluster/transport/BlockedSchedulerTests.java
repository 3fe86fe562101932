package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A peer that cannot keep up is cut off while every thread of the cluster's scheduler is
 * busy: its close, which may wait on a send, does not queue behind the timer's work.
 */
class BlockedSchedulerTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final TestNodes nodes = new TestNodes();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void closeNodes() {
		this.release.countDown();
		this.nodes.close();
	}

	@Test
	void slowPeerIsClosedWhileTheSchedulerThreadsAreBusy() throws Exception {
		try (SocketPeer slow = new SocketPeer(true, List.of("[201,\"t\"]"), true)) {
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.link.send-buffer-size=64KB", "pubsubclub.link.reconnect-delay=30s",
					"pubsubclub.link.ping-interval=1h", "pubsubclub.peers=" + slow.address());
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			ThreadPoolTaskScheduler scheduler = producer.context()
				.getBean("pubsubclubTaskScheduler", ThreadPoolTaskScheduler.class);
			CountDownLatch busy = new CountDownLatch(2);
			for (int i = 0; i < 2; i++) {
				scheduler.execute(() -> {
					busy.countDown();
					awaitRelease();
				});
			}
			assertThat(busy.await(10, TimeUnit.SECONDS)).as("both scheduler threads busy").isTrue();
			String event = "\"" + "x".repeat(8000) + "\"";
			for (int i = 0; i < 5_000 && producer.cluster().state().totals().slowPeerDisconnects() == 0; i++) {
				producer.subscribers().publish("t", event);
			}
			assertThat(producer.cluster().state().totals().slowPeerDisconnects()).isOne();
			await().atMost(WAIT)
				.until(() -> producer.links().get(0).status() != ClusterState.Status.READY);
			assertThat(this.release.getCount()).as("scheduler still blocked").isOne();
		}
	}

	private void awaitRelease() {
		try {
			this.release.await(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
