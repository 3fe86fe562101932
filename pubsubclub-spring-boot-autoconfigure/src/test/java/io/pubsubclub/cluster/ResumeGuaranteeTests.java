package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resume guarantee where it used to break (issue 24): a publish racing a 203, a drop
 * past {@code max-age} on a quiet topic, a drop past the consumer's forget horizon, and a
 * replay to a consumer that does not read. Each holds or is reported as a gap.
 */
class ResumeGuaranteeTests {

	private ThreadPoolTaskScheduler scheduler;

	private TestSubscribers subscribers;

	private final HookedMap consumers = new HookedMap();

	private ClusterLinks cluster;

	private final List<ClusterGapEvent> gaps = new CopyOnWriteArrayList<>();

	@BeforeEach
	void setUp() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setPoolSize(2);
		this.scheduler.initialize();
		this.subscribers = new TestSubscribers();
		this.cluster = newCluster(ResumeSettings.DEFAULTS);
	}

	private ClusterLinks newCluster(ResumeSettings settings) {
		ClusterLinks cluster = new ClusterLinks(777,
				Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER,
						ClusterState.Mode.CLIENT),
				this.subscribers, this.scheduler, Duration.ofSeconds(5), this.consumers);
		cluster.setResumeSettings(settings);
		cluster.setEventPublisher((event) -> {
			if (event instanceof ClusterGapEvent gap) {
				this.gaps.add(gap);
			}
		});
		this.subscribers.setApplicationEventPublisher(
				(event) -> cluster.onApplicationEvent((io.pubsubclub.wamp.event.WampTopicEvent) event));
		return cluster;
	}

	@AfterEach
	void tearDown() {
		this.scheduler.shutdown();
	}

	@Test
	void publishWhoseConsumersWereReadBeforeA203WasServedReachesTheResumingLink() {
		Recorder before = new Recorder();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\"]");
		this.subscribers.publish("t", "1");
		old.closed(1006, null);
		Recorder channel = new Recorder();
		PeerLink link = producerLink(channel);
		// the 203 is served right after the publish read the topic's consumers (none)
		this.consumers.afterNextGet = () -> link.received("[203,\"" + epoch + "\",1,\"t\"]");
		this.subscribers.publish("t", "2");
		assertThat(this.consumers.afterNextGet).as("the race was forced").isNull();
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[204,true]",
				"[301,\"t\",2,2]");
	}

	@Test
	void dropPastMaxAgeOnAQuietTopicIsReportedAsAGap() throws Exception {
		this.cluster = newCluster(new ResumeSettings(1000, 1 << 20, Duration.ofMillis(100), Duration.ofSeconds(30)));
		Recorder before = new Recorder();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"quiet\"]");
		this.subscribers.publish("quiet", "1");
		old.closed(1006, null);
		Thread.sleep(300);
		// past max-age: not kept any more, but it must not vanish without a report
		this.subscribers.publish("quiet", "2");
		this.subscribers.publish("quiet", "3");
		Recorder channel = new Recorder();
		producerLink(channel).received("[203,\"" + epoch + "\",1,\"quiet\"]");
		assertThat(channel.frames).hasSize(2);
		assertThat(channel.frames.get(1)).startsWith("[204,false,");
		long firstHeld = Long.parseLong(channel.frames.get(1).replaceAll("\\D+", " ").trim().split(" ")[1]);
		assertThat(firstHeld - 1 - 1).as("missed, an upper bound of the 2 lost").isGreaterThanOrEqualTo(2);
	}

	@Test
	void dropPastMaxAgeOnATopicWithNothingPublishedMeanwhileIsNoGap() throws Exception {
		this.cluster = newCluster(new ResumeSettings(1000, 1 << 20, Duration.ofMillis(100), Duration.ofSeconds(30)));
		Recorder before = new Recorder();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"quiet\"]");
		this.subscribers.publish("quiet", "1");
		old.closed(1006, null);
		Thread.sleep(300);
		this.subscribers.publish("other", "x");
		Recorder channel = new Recorder();
		producerLink(channel).received("[203,\"" + epoch + "\",1,\"quiet\"]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[204,true]");
	}

	@Test
	void producerNotHeardFromPastTheForgetHorizonIsReportedAsAGap() throws Exception {
		this.cluster.resumeHorizon(Duration.ofMillis(100));
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new Recorder(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"t\",1,1]");
		first.closed(1006, null);
		Thread.sleep(300);
		Recorder channel = new Recorder();
		consumerLink(channel, "[102,[1,2],5,\"ep\"]");
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.gaps.isEmpty());
		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.getProducerNodeId()).isEqualTo(5);
			assertThat(gap.getTopics()).containsExactly("t");
			assertThat(gap.getMissed()).isEmpty();
			assertThat(gap.isProducerRestarted()).isFalse();
		});
		assertThat(this.cluster.totals().resume().gaps()).isOne();
	}

	@Test
	void replayToAConsumerThatDoesNotReadHoldsNoMoreThanTheSendBufferAndIsCutWith1013() {
		this.cluster = newCluster(new ResumeSettings(100_000, 64L << 20, Duration.ofMinutes(1), Duration.ofMillis(500)));
		Recorder before = new Recorder();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\"]");
		String payload = "\"" + "x".repeat(1000) + "\"";
		for (int i = 0; i < 2000; i++) {
			this.subscribers.publish("t", payload);
		}
		old.closed(1006, null);
		// a channel that takes 16 KB and is never drained: a consumer that stopped reading
		Recorder stuck = new Recorder();
		stuck.limit = 16 * 1024;
		PeerLink link = producerLink(stuck);
		link.received("[203,\"" + epoch + "\",0,\"t\"]");
		for (int i = 0; i < 2000; i++) {
			this.subscribers.publish("t", payload);
			assertThat(link.outbox().heldChars()).as("characters the outbox holds beyond the channel")
				.isLessThanOrEqualTo(stuck.limit);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> stuck.closeCode != null);
		assertThat(stuck.closeCode).isEqualTo(1013);
		assertThat(this.cluster.totals().slowPeerDisconnects()).isOne();
	}

	private static String epochOf(String welcome) {
		return welcome.substring(welcome.lastIndexOf(',') + 2, welcome.length() - 2);
	}

	private PeerLink producerLink(Recorder channel) {
		PeerLink link = this.cluster.accepted("127.0.0.1:1", ClusterState.Role.PRODUCER);
		link.opened(channel);
		link.received("[101,[1,2]]");
		return link;
	}

	private PeerLink consumerLink(Recorder channel, String welcome) {
		PeerLink link = this.cluster.accepted("127.0.0.1:2", ClusterState.Role.CONSUMER);
		link.opened(channel);
		link.received(welcome);
		return link;
	}

	/** A channel that records frames, and can hold a limited number of characters. */
	static final class Recorder implements LinkChannel {

		final List<String> frames = new CopyOnWriteArrayList<>();

		final AtomicLong queued = new AtomicLong();

		volatile long limit = Long.MAX_VALUE;

		volatile Integer closeCode;

		@Override
		public boolean send(String frame) {
			if (this.closeCode != null || this.queued.get() + frame.length() > this.limit) {
				return false;
			}
			if (this.limit != Long.MAX_VALUE) {
				this.queued.addAndGet(frame.length());
			}
			this.frames.add(frame);
			return true;
		}

		@Override
		public void close(int code, String reason) {
			if (this.closeCode == null) {
				this.closeCode = code;
			}
		}

		@Override
		public long queued() {
			return this.queued.get();
		}

		@Override
		public long bufferLimit() {
			return this.limit;
		}

	}

	/** Runs a task once, on the reading thread, right after the next read of a topic's set. */
	static final class HookedMap extends ConcurrentHashMap<String, Set<PeerLink>> {

		volatile Runnable afterNextGet;

		@Override
		public Set<PeerLink> get(Object key) {
			Set<PeerLink> result = super.get(key);
			Runnable hook = this.afterNextGet;
			if (hook != null) {
				this.afterNextGet = null;
				hook.run();
			}
			return result;
		}

	}

}
