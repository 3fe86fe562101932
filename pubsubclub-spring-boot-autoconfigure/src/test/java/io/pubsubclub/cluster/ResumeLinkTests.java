package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for PSC 1.2 on {@link PeerLink}s over recording channels: the handshake, sequence
 * numbers, 203/204 on both sides, the sessions element, and bad input.
 */
class ResumeLinkTests {

	private final LinkTestNode node = new LinkTestNode(1);

	private final TestSubscribers subscribers = this.node.subscribers;

	private final List<ClusterGapEvent> gaps = this.node.gaps;

	private ClusterLinks cluster;

	@BeforeEach
	void setUp() {
		this.cluster = newCluster(ResumeSettings.DEFAULTS);
	}

	private ClusterLinks newCluster(ResumeSettings settings) {
		return this.node.cluster(settings);
	}

	@AfterEach
	void tearDown() {
		this.node.close();
	}

	@Test
	void producerPicks12AndSendsItsEpochAndNumbersEveryForwardedPublishInOneSequence() {
		RecordingChannel a = new RecordingChannel();
		PeerLink linkA = producerLink(a, "[101,[1,0],[1,1],[1,2]]");
		assertThat(a.frames.get(0)).matches("\\[102,\\[1,2\\],777,\"[A-Za-z0-9_-]{16}\"\\]");
		RecordingChannel b = new RecordingChannel();
		producerLink(b, "[101,[1,0],[1,1],[1,2]]");
		assertThat(b.frames.get(0)).isEqualTo(a.frames.get(0));
		linkA.received("[201,\"x\"]");
		this.subscribers.publish("x", "1");
		this.subscribers.publish("nobody", "0");
		this.subscribers.publish("x", "2");
		assertThat(a.frames.subList(1, a.frames.size())).containsExactly("[301,\"x\",1,1]", "[301,\"x\",2,2]");
		assertThat(b.frames).hasSize(1);
	}

	@Test
	void oneProducerServesA11LinkAsTodayAnd12LinksWithSequenceNumbers() {
		RecordingChannel old = new RecordingChannel();
		PeerLink oldLink = producerLink(old, "[101,[1,0],[1,1]]");
		RecordingChannel resumable = new RecordingChannel();
		PeerLink newLink = producerLink(resumable, "[101,[1,0],[1,1],[1,2]]");
		oldLink.received("[201,\"t\"]");
		newLink.received("[201,\"t\"]");
		this.subscribers.publish("t", "\"a\"");
		assertThat(old.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",\"a\"]");
		assertThat(resumable.frames.subList(1, resumable.frames.size())).containsExactly("[301,\"t\",\"a\",1]");
	}

	@Test
	void publishNamingSessionsCarriesThemOn12AndIsWithheldFromA11Link() {
		RecordingChannel old = new RecordingChannel();
		PeerLink oldLink = producerLink(old, "[101,[1,1]]");
		RecordingChannel resumable = new RecordingChannel();
		PeerLink newLink = producerLink(resumable, "[101,[1,2]]");
		oldLink.received("[201,\"t\"]");
		newLink.received("[201,\"t\"]");
		this.subscribers.publishNaming("t", "1", Set.of("far"), null);
		this.subscribers.publishNaming("t", "2", null, Set.of());
		this.subscribers.publishNaming("t", "3", Set.of(TestSubscribers.LOCAL_SESSION), null);
		assertThat(resumable.frames.subList(1, resumable.frames.size())).containsExactly(
				"[301,\"t\",1,1,{\"exclude\":[\"far\"]}]", "[301,\"t\",2,2,{\"eligible\":[]}]", "[301,\"t\",3,3]");
		// a local session's exclusion was applied here: the publish is forwarded as a plain one
		assertThat(old.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",3]");
		assertThat(this.cluster.totals().resume().withheld()).isEqualTo(2);
	}

	@Test
	void aWamp2WrapperIsFlaggedOn12AndReachesA11LinkAsThePlainV1Frame() {
		RecordingChannel old = new RecordingChannel();
		PeerLink oldLink = producerLink(old, "[101,[1,0],[1,1]]");
		RecordingChannel resumable = new RecordingChannel();
		PeerLink newLink = producerLink(resumable, "[101,[1,2]]");
		oldLink.received("[201,\"t\"]");
		newLink.received("[201,\"t\"]");
		this.subscribers.publishV2("t", "{\"args\":[1,2],\"kwargs\":{}}", null);
		this.subscribers.publishV2("t", "{\"args\":[],\"kwargs\":{}}", Set.of("far"));
		assertThat(resumable.frames.subList(1, resumable.frames.size())).containsExactly(
				"[301,\"t\",{\"args\":[1,2],\"kwargs\":{}},1,{\"v2\":true}]",
				"[301,\"t\",{\"args\":[],\"kwargs\":{}},2,{\"exclude\":[\"far\"],\"v2\":true}]");
		// a 1.0/1.1 peer (a Python node) sees a v1 publish of the wrapper, never the flag;
		// the one naming a session is withheld as before
		assertThat(old.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",{\"args\":[1,2],\"kwargs\":{}}]");
	}

	@Test
	void aConsumerPassesTheWamp2FlagOn() {
		this.subscribers.subscribe("t");
		PeerLink link = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		link.received("[301,\"t\",{\"args\":[],\"kwargs\":{}},1,{\"v2\":true}]");
		assertThat(this.subscribers.delivered())
			.containsExactly("t {\"args\":[],\"kwargs\":{}} exclude=null eligible=null v2");
	}

	@Test
	void consumerDeliversSessionsAsTheyCameAndDropsDuplicates() {
		this.subscribers.subscribe("t");
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, "[102,[1,2],5,\"ep\"]");
		link.received("[301,\"t\",1,1,{\"eligible\":[\"s\"]}]");
		link.received("[301,\"t\",2,4]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1 exclude=null eligible=[s]", "t 2");
		// a second link to the same producer delivers nothing already delivered
		PeerLink second = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		second.received("[301,\"t\",3,3]");
		second.received("[301,\"t\",5,5]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1 exclude=null eligible=[s]", "t 2", "t 5");
		assertThat(this.cluster.totals().resume().duplicates()).isOne();
	}

	@Test
	void consumerResumesTheTopicsHeldAcrossTheDropFromTheLastDeliveredSequenceNumber() {
		this.subscribers.subscribe("kept");
		this.subscribers.subscribe("dropped");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"kept\",1,7]");
		first.closed(1006, null);
		this.subscribers.unsubscribe("dropped");
		this.subscribers.subscribe("dropped");
		this.subscribers.subscribe("new");
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, "[102,[1,2],5,\"ep\"]");
		assertThat(channel.frames.get(1)).isEqualTo("[203,\"ep\",7,\"kept\"]");
		assertThat(channel.frames.subList(2, channel.frames.size())).containsExactlyInAnyOrder("[201,\"dropped\"]",
				"[201,\"new\"]");
		link.received("[301,\"kept\",2,9]");
		link.received("[204,true]");
		link.received("[301,\"new\",3,10]");
		assertThat(this.subscribers.delivered()).containsExactly("kept 1", "kept 2", "new 3");
		ClusterState.Resume resume = link.snapshot(0).lastResume();
		assertThat(resume.complete()).isTrue();
		assertThat(resume.replayed()).isOne();
		assertThat(this.gaps).isEmpty();
	}

	@Test
	void gapInAReplayIsCountedLoggedAndPublished() {
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"t\",1,10]");
		first.closed(1006, null);
		PeerLink link = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		link.received("[301,\"t\",2,31]");
		link.received("[204,false,31]");
		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.getProducerNodeId()).isEqualTo(5);
			assertThat(gap.getTopics()).containsExactly("t");
			assertThat(gap.getMissed()).hasValue(20);
			assertThat(gap.isProducerRestarted()).isFalse();
		});
		assertThat(link.snapshot(0).lastResume().missed()).isEqualTo(20);
		assertThat(this.cluster.totals().resume().gaps()).isOne();
		assertThat(this.cluster.totals().resume().missed()).isEqualTo(20);
	}

	@Test
	void producerWithANewEpochIsNotResumedAndItsSequenceStartsAfresh() {
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"old\"]");
		first.received("[301,\"t\",1,500]");
		first.closed(1006, null);
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, "[102,[1,2],5,\"new\"]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[201,\"t\"]");
		link.received("[301,\"t\",2,1]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1", "t 2");
		assertThat(this.gaps).singleElement().satisfies((gap) -> {
			assertThat(gap.isProducerRestarted()).isTrue();
			assertThat(gap.getMissed()).isEmpty();
		});
	}

	@Test
	void producerAnswersA203WithTheReplayThenA204ThenLiveEvents() {
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before, "[101,[1,2]]");
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\",\"u\"]");
		for (int i = 1; i <= 4; i++) {
			this.subscribers.publish((i % 2 == 0) ? "u" : "t", String.valueOf(i));
		}
		old.closed(1006, null);
		// published while no consumer is linked: kept for its return
		this.subscribers.publish("t", "5");
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = producerLink(channel, "[101,[1,2]]");
		link.received("[203,\"" + epoch + "\",1,\"t\"]");
		this.subscribers.publish("t", "6");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[301,\"t\",3,3]",
				"[301,\"t\",5,5]", "[204,true]", "[301,\"t\",6,6]");
		assertThat(this.cluster.totals().resume().eventsReplayed()).isEqualTo(2);
		assertThat(link.snapshot(0).lastResume().replayed()).isEqualTo(2);
	}

	@Test
	void replayLargerThanTheBufferReportsTheFirstSequenceNumberStillHeld() {
		this.cluster = newCluster(new ResumeSettings(3, 1 << 20, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before, "[101,[1,2]]");
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"t\"]");
		for (int i = 1; i <= 10; i++) {
			this.subscribers.publish("t", String.valueOf(i));
		}
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = producerLink(channel, "[101,[1,2]]");
		link.received("[203,\"" + epoch + "\",2,\"t\"]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[301,\"t\",8,8]",
				"[301,\"t\",9,9]", "[301,\"t\",10,10]", "[204,false,8]");
	}

	@Test
	void busyOtherTopicDoesNotMakeAQuietTopicReportAGap() {
		this.cluster = newCluster(new ResumeSettings(3, 1 << 20, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		RecordingChannel before = new RecordingChannel();
		PeerLink old = producerLink(before, "[101,[1,2]]");
		String epoch = epochOf(before.frames.get(0));
		old.received("[201,\"quiet\",\"busy\"]");
		this.subscribers.publish("quiet", "1");
		for (int i = 0; i < 10; i++) {
			this.subscribers.publish("busy", "0");
		}
		RecordingChannel channel = new RecordingChannel();
		producerLink(channel, "[101,[1,2]]").received("[203,\"" + epoch + "\",1,\"quiet\"]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[204,true]");
	}

	@Test
	void a203ForAnotherEpochIsAnsweredWithAGapAndTheTopicsCountAsSubscribed() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = producerLink(channel, "[101,[1,2]]");
		link.received("[203,\"someone-else\",99,\"t\"]");
		this.subscribers.publish("t", "1");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[204,false,0]",
				"[301,\"t\",1,1]");
	}

	@Test
	void a203OutOfPlaceClosesTheLink() {
		RecordingChannel late = new RecordingChannel();
		PeerLink link = producerLink(late, "[101,[1,2]]");
		link.received("[201,\"t\"]");
		link.received("[203,\"e\",0,\"t\"]");
		assertThat(late.closeCode).isEqualTo(1002);
		assertThat(late.closeReason).startsWith("203 out of place");
		RecordingChannel twice = new RecordingChannel();
		PeerLink again = producerLink(twice, "[101,[1,2]]");
		again.received("[203,\"e\",0]");
		again.received("[203,\"e\",0]");
		assertThat(twice.closeCode).isEqualTo(1002);
		RecordingChannel old = new RecordingChannel();
		producerLink(old, "[101,[1,1]]").received("[203,\"e\",0]");
		assertThat(old.closeCode).isEqualTo(1002);
		assertThat(old.closeReason).isEqualTo("203 on a version 1.1 link");
		assertThat(this.cluster.totals().badFrames()).isEqualTo(3);
	}

	@Test
	void consumerClosesOnBadInputOf12() {
		this.subscribers.subscribe("t");
		assertConsumerCloses("[102,[1,2],5]", null, "102 of version 1.2 takes a node id and an epoch");
		assertConsumerCloses("[102,[1,2],5,\"ep\"]", "[204,true]", "204 without a 203");
		assertConsumerCloses("[102,[1,2],5,\"ep\"]", "[301,\"t\",1]", "301 without a sequence number");
		assertConsumerCloses("[102,[1,2],5,\"ep\"]", "[204,maybe]", "frame is not valid JSON");
		assertConsumerCloses("[102,[1,1],5]", "[301,\"t\",1,1]", "301 takes a topic and one event");
		assertConsumerCloses("[102,[1,1],5]", "[301,\"t\",1,1,{}]", "301 takes a topic and one event");
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, "[102,[1,2],6,\"ep\"]");
		link.received("[301,\"t\",1,5]");
		link.received("[301,\"t\",2,5]");
		assertThat(channel.closeCode).isEqualTo(1002);
		assertThat(channel.closeReason).isEqualTo("301 sequence number went backwards: 5 after 5");
		assertThat(this.subscribers.delivered()).containsExactly("t 1");
	}

	@Test
	void replayThatNeverEndsClosesTheLink() {
		this.cluster = newCluster(new ResumeSettings(100, 1 << 20, Duration.ofMinutes(1), Duration.ofMillis(200)));
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"t\",1,1]");
		first.closed(1006, null);
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, "[102,[1,2],5,\"ep\"]");
		assertThat(channel.frames.get(1)).isEqualTo("[203,\"ep\",1,\"t\"]");
		link.received("[301,\"t\",2,2]");
		await().atMost(Duration.ofSeconds(10)).until(() -> channel.closeCode != null);
		assertThat(channel.closeCode).isEqualTo(1002);
		assertThat(channel.closeReason).startsWith("replay did not end in time");
	}

	@Test
	void resumeTurnedOffSendsNo203() {
		this.cluster = newCluster(new ResumeSettings(0, 1 << 20, Duration.ofMinutes(1), Duration.ofSeconds(30)));
		this.subscribers.subscribe("t");
		PeerLink first = consumerLink(new RecordingChannel(), "[102,[1,2],5,\"ep\"]");
		first.received("[301,\"t\",1,1]");
		first.closed(1006, null);
		RecordingChannel channel = new RecordingChannel();
		consumerLink(channel, "[102,[1,2],5,\"ep\"]").received("[301,\"t\",1,1]");
		assertThat(channel.frames.subList(1, channel.frames.size())).containsExactly("[201,\"t\"]");
		assertThat(this.subscribers.delivered()).containsExactly("t 1");
	}

	private void assertConsumerCloses(String welcome, String frame, String reason) {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = consumerLink(channel, welcome);
		if (frame != null) {
			link.received(frame);
		}
		assertThat(channel.closeCode).as(reason).isEqualTo(1002);
		assertThat(channel.closeReason).startsWith(reason);
	}

	private static String epochOf(String welcome) {
		return welcome.substring(welcome.lastIndexOf(',') + 2, welcome.length() - 2);
	}

	private PeerLink producerLink(RecordingChannel channel, String hello) {
		return LinkTestNode.producerLink(this.cluster, channel, hello);
	}

	private PeerLink consumerLink(RecordingChannel channel, String welcome) {
		return LinkTestNode.consumerLink(this.cluster, channel, welcome);
	}

}
