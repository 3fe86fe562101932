package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A producer that closed its link to this consumer and dialled again: frames of the old
 * link still read here once the new link is ready would come out of order with the new
 * link's events, so the old link delivers nothing more and is closed.
 */
class SupersededLinkTests {

	private ThreadPoolTaskScheduler scheduler;

	private final TestSubscribers subscribers = new TestSubscribers();

	private ClusterLinks cluster;

	@BeforeEach
	void setUp() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.initialize();
		this.cluster = new ClusterLinks(1, Map.of(ClusterState.Role.CONSUMER, ClusterState.Mode.SERVER),
				this.subscribers, this.scheduler, Duration.ofSeconds(30));
		this.subscribers.subscribe("t");
	}

	@AfterEach
	void tearDown() {
		this.scheduler.shutdown();
	}

	@Test
	void olderLinkFromTheSameProducerDeliversNothingOnceTheNewOneIsReady() {
		Frames oldFrames = new Frames();
		PeerLink old = ready(oldFrames, 5);
		old.received("[301,\"t\",1]");
		Frames newFrames = new Frames();
		PeerLink renewed = ready(newFrames, 5);
		renewed.received("[301,\"t\",3]");
		// the old link's tail, read late
		old.received("[301,\"t\",2]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1", "t 3");
		assertThat(oldFrames.closeCode).isEqualTo(1000);
		assertThat(newFrames.closeCode).isNull();
	}

	@Test
	void linksFromOtherProducersAreLeftAlone() {
		Frames first = new Frames();
		PeerLink one = ready(first, 5);
		ready(new Frames(), 6);
		one.received("[301,\"t\",1]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1");
		assertThat(first.closeCode).isNull();
	}

	@Test
	void aClosedLinkHasDeliveredAllItWillBeforeClosedReturns() throws Exception {
		java.util.List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.util.concurrent.CountDownLatch delivering = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		this.subscribers.onDeliver((topic, event) -> {
			delivering.countDown();
			try {
				release.await(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			order.add("delivered " + event);
		});
		PeerLink link = ready(new Frames(), 5);
		Thread reader = new Thread(() -> link.received("[301,\"t\",1]"));
		reader.start();
		assertThat(delivering.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		// the dialer redials once this returns: the delivery in progress must be over by then
		Thread closer = new Thread(() -> {
			link.closed(1001, "going away");
			order.add("closed");
		});
		closer.start();
		org.awaitility.Awaitility.await()
			.until(() -> closer.getState() == Thread.State.BLOCKED || closer.getState() == Thread.State.TERMINATED);
		release.countDown();
		closer.join(10_000);
		reader.join(10_000);
		link.received("[301,\"t\",2]");
		assertThat(order).containsExactly("delivered 1", "closed");
	}

	private PeerLink ready(Frames frames, long producerId) {
		PeerLink link = this.cluster.accepted("127.0.0.1:" + producerId, ClusterState.Role.CONSUMER);
		link.opened(frames);
		link.received("[102,[1,1]," + producerId + "]");
		assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
		return link;
	}

	static final class Frames implements LinkChannel {

		volatile Integer closeCode;

		@Override
		public boolean send(String frame) {
			return true;
		}

		@Override
		public void close(int code, String reason) {
			this.closeCode = code;
		}

	}

}
