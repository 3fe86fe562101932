package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resume guarantee where it used to break (issue 24): a publish racing a 203, a drop
 * past {@code max-age} on a quiet topic, a drop past the consumer's forget horizon, and a
 * replay to a consumer that does not read. Each holds or is reported as a gap.
 */
class ResumeGuaranteeTests {

	private final LinkTestNode node = new LinkTestNode(2);

	private final TestSubscribers subscribers = this.node.subscribers;

	private final HookedMap consumers = new HookedMap();

	private final List<ClusterGapEvent> gaps = this.node.gaps;

	private ClusterLinks cluster;

	@BeforeEach
	void setUp() {
		this.cluster = newCluster(ResumeSettings.DEFAULTS);
	}

	private ClusterLinks newCluster(ResumeSettings settings) {
		return this.node.cluster(settings, this.consumers);
	}

	@AfterEach
	void tearDown() {
		this.node.close();
	}

	@Test
	void publishWhoseConsumersWereReadBeforeA203WasServedReachesTheResumingLink() {
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\"]");
		this.subscribers.publish("t", "1");
		old.closed(1006, null);
		RecordingChannel channel = new RecordingChannel();
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
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"quiet\"]");
		this.subscribers.publish("quiet", "1");
		old.closed(1006, null);
		Thread.sleep(300);
		// past max-age: not kept any more, but it must not vanish without a report
		this.subscribers.publish("quiet", "2");
		this.subscribers.publish("quiet", "3");
		RecordingChannel channel = new RecordingChannel();
		producerLink(channel).received("[203,\"" + epoch + "\",1,\"quiet\"]");
		assertThat(channel.frames).hasSize(2);
		assertThat(channel.frames.get(1)).startsWith("[204,false,");
		long firstHeld = Long.parseLong(channel.frames.get(1).replaceAll("\\D+", " ").trim().split(" ")[1]);
		assertThat(firstHeld - 1 - 1).as("missed, an upper bound of the 2 lost").isGreaterThanOrEqualTo(2);
	}

	@Test
	void dropPastMaxAgeOnATopicWithNothingPublishedMeanwhileIsNoGap() throws Exception {
		this.cluster = newCluster(new ResumeSettings(1000, 1 << 20, Duration.ofMillis(100), Duration.ofSeconds(30)));
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"quiet\"]");
		this.subscribers.publish("quiet", "1");
		old.closed(1006, null);
		Thread.sleep(300);
		this.subscribers.publish("other", "x");
		RecordingChannel channel = new RecordingChannel();
		producerLink(channel).received("[203,\"" + epoch + "\",1,\"quiet\"]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[204,true]");
	}

	@Test
	void producerNotHeardFromPastTheForgetHorizonIsReportedAsAGap() throws Exception {
		this.cluster.resumeHorizon(Duration.ofMillis(100));
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"t\",1,1]");
		first.closed(1006, null);
		Thread.sleep(300);
		RecordingChannel channel = new RecordingChannel();
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
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before);
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\"]");
		String payload = "\"" + "x".repeat(1000) + "\"";
		for (int i = 0; i < 2000; i++) {
			this.subscribers.publish("t", payload);
		}
		old.closed(1006, null);
		// a channel that takes 16 KB and is never drained: a consumer that stopped reading
		RecordingChannel stuck = new RecordingChannel();
		stuck.limit = 16 * 1024;
		PeerLink link = producerLink(stuck);
		link.received("[203,\"" + epoch + "\",0,\"t\"]");
		for (int i = 0; i < 2000; i++) {
			this.subscribers.publish("t", payload);
			assertThat(link.resume.outbox.heldChars()).as("characters the outbox holds beyond the channel")
				.isLessThanOrEqualTo(stuck.limit);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> stuck.closeCode != null);
		assertThat(stuck.closeCode).isEqualTo(1013);
		assertThat(this.cluster.totals().slowPeerDisconnects()).isOne();
	}

	private static String epochOf(String welcome) {
		return welcome.substring(welcome.lastIndexOf(',') + 2, welcome.length() - 2);
	}

	private PeerLink producerLink(RecordingChannel channel) {
		return LinkTestNode.producerLink(this.cluster, channel, "[101,[1,2]]");
	}

	private PeerLink consumerLink(RecordingChannel channel, String welcome) {
		return LinkTestNode.consumerLink(this.cluster, channel, welcome);
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
