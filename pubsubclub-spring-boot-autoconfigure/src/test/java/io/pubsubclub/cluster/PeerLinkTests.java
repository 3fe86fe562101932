package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@link PeerLink} state machine over a recording channel.
 */
class PeerLinkTests {

	private static final long NODE_ID = 777;

	private ThreadPoolTaskScheduler scheduler;

	private TestSubscribers subscribers;

	private ClusterLinks cluster;

	@BeforeEach
	void setUp() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.initialize();
		this.subscribers = new TestSubscribers();
		this.cluster = new ClusterLinks(NODE_ID,
				Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER,
						ClusterState.Mode.CLIENT),
				this.subscribers, this.scheduler, Duration.ofMillis(300));
		this.subscribers.setApplicationEventPublisher((event) -> this.cluster
			.onApplicationEvent((io.pubsubclub.wamp.event.WampTopicEvent) event));
	}

	@AfterEach
	void tearDown() {
		this.scheduler.shutdown();
	}

	@Test
	void producerChoosesHighestCommonVersionAndSendsItsId() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.received("[101,[1,0],[1,1]]");
		assertThat(channel.frames).containsExactly("[102,[1,1],777]");
		assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
	}

	@Test
	void producerAnswersVersion10WithoutId() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.received("[101,[1,0]]");
		assertThat(channel.frames).containsExactly("[102,[1,0]]");
	}

	@Test
	void producerIgnoresUnknownVersionsWhenOneIsInCommon() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.received("[101,[1,1],[2,0],[1,3]]");
		assertThat(channel.frames).containsExactly("[102,[1,1],777]");
	}

	@Test
	void producerClosesWhenNoVersionInCommon() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.received("[101,[2,0]]");
		assertThat(channel.frames).isEmpty();
		assertThat(channel.closeCode).isEqualTo(1002);
		assertThat(channel.closeReason).contains("no common protocol version");
		assertThat(this.cluster.state().totals().badFrames()).isOne();
	}

	@Test
	void consumerOffersBothVersionsAndSyncsTopicsOnePerFrame() {
		this.subscribers.subscribe("a");
		this.subscribers.subscribe("b");
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
		assertThat(channel.frames).containsExactly("[101,[1,0],[1,1],[1,2]]");
		link.received("[102,[1,1],5]");
		assertThat(link.farNodeId()).isEqualTo(5);
		assertThat(channel.frames.subList(1, 3)).containsExactlyInAnyOrder("[201,\"a\"]", "[201,\"b\"]");
		this.subscribers.subscribe("c");
		this.subscribers.unsubscribe("a");
		this.subscribers.unsubscribe("a");
		assertThat(channel.frames.subList(3, channel.frames.size())).containsExactly("[201,\"c\"]",
				"[202,\"a\"]");
	}

	@Test
	void consumerNeverUnsubscribesATopicItDidNotSubscribeOnThatLink() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
		this.subscribers.subscribe("early");
		this.subscribers.unsubscribe("early");
		link.received("[102,[1,0]]");
		assertThat(channel.frames).containsExactly("[101,[1,0],[1,1],[1,2]]");
	}

	@Test
	void consumerDeliversEventsAndForwardsNothing() {
		RecordingChannel toProducer = new RecordingChannel();
		PeerLink producerLink = accepted(ClusterState.Role.CONSUMER, toProducer);
		producerLink.received("[102,[1,1],5]");
		RecordingChannel toConsumer = new RecordingChannel();
		PeerLink consumerLink = accepted(ClusterState.Role.PRODUCER, toConsumer);
		consumerLink.received("[101,[1,1]]");
		consumerLink.received("[201,\"t\"]");
		producerLink.received("[301,\"t\",{\"x\":[1,2]}]");
		assertThat(this.subscribers.delivered()).containsExactly("t {\"x\":[1,2]}");
		assertThat(toConsumer.frames).containsExactly("[102,[1,1],777]");
		assertThat(this.cluster.state().totals().eventsReceived()).isOne();
		assertThat(this.cluster.state().totals().eventsForwarded()).isZero();
	}

	@Test
	void producerSendsOneEncodedFrameToEachConsumerThatAskedForTheTopic() {
		RecordingChannel first = new RecordingChannel();
		RecordingChannel second = new RecordingChannel();
		RecordingChannel other = new RecordingChannel();
		ready(first).received("[201,\"t\",\"u\"]");
		ready(second).received("[201,\"t\"]");
		ready(other).received("[201,\"u\"]");
		this.subscribers.publish("t", "[1]");
		assertThat(first.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",[1]]");
		assertThat(second.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",[1]]");
		assertThat(first.frames.get(1)).isSameAs(second.frames.get(1));
		assertThat(other.frames).containsExactly("[102,[1,1],777]");
	}

	@Test
	void producerStopsAfterUnsubscribeAndIgnoresUnknownTopics() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = ready(channel);
		link.received("[201,\"t\",\"marker\"]");
		link.received("[202,\"t\"]");
		link.received("[202,\"never\"]");
		this.subscribers.publish("t", "1");
		// still forwarding what it still asks for
		this.subscribers.publish("marker", "2");
		assertThat(channel.frames).containsExactly("[102,[1,1],777]", "[301,\"marker\",2]");
		assertThat(channel.closeCode).isNull();
	}

	@Test
	void consumerRecognisesItsOwnProcessTokenAndClosesAsSelfLink() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
		link.identified(new NodeIdentity.FarNode(this.cluster.identity().token(), NODE_ID, null));
		link.received("[102,[1,1],777]");
		assertThat(link.isSelfLink()).isTrue();
		assertThat(channel.closeCode).isEqualTo(PeerLink.SELF_LINK);
		assertThat(channel.closeReason).isEqualTo("self-link");
		assertThat(this.cluster.state().totals().selfLinks()).isOne();
	}

	@Test
	void producerRecognisesItsOwnProcessTokenOnTheFirst101() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.identified(new NodeIdentity.FarNode(this.cluster.identity().token(), NODE_ID, 19000));
		link.received("[101,[1,0],[1,1]]");
		assertThat(link.isSelfLink()).isTrue();
		assertThat(channel.closeCode).isEqualTo(PeerLink.SELF_LINK);
		// no 102 went out
		assertThat(channel.frames).isEmpty();
	}

	@Test
	void farProducerWithThisNodesIdButNoTokenIsAnotherNode() {
		// a Python node sends no upgrade header; this process's own server always does
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
		link.received("[102,[1,1],777]");
		assertThat(link.isSelfLink()).isFalse();
		assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
		assertThat(link.isNodeIdConflict()).isTrue();
		assertThat(this.cluster.state().nodeIdConflicts()).singleElement()
			.satisfies((conflict) -> assertThat(conflict.nodeId()).isEqualTo(NODE_ID));
		assertThat(this.cluster.state().totals().selfLinks()).isZero();
	}

	@Test
	void farNodeWithThisNodesIdAndAnotherTokenIsAnotherNode() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.identified(new NodeIdentity.FarNode("AnotherProcessToken0", NODE_ID, 19001));
		link.received("[101,[1,1]]");
		assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
		assertThat(this.cluster.state().nodeIdConflicts()).singleElement()
			.satisfies((conflict) -> assertThat(conflict.clusterPort()).isEqualTo(19001));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[102,[1,1],1]", "[201,\"t\"]", "[202,\"t\"]", "[301,\"t\",1]", "nonsense" })
	void producerClosesOnAnythingButHelloBeforeTheHandshake(String frame) {
		RecordingChannel channel = new RecordingChannel();
		accepted(ClusterState.Role.PRODUCER, channel).received(frame);
		assertThat(channel.closeCode).isEqualTo(1002);
		assertThat(channel.closeReason).isNotBlank();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[301,\"t\",1]", "[102,[1,1],1]", "[101,[1,1]]" })
	void producerClosesOnOutOfRoleMessagesAfterTheHandshake(String frame) {
		RecordingChannel channel = new RecordingChannel();
		ready(channel).received(frame);
		assertThat(channel.closeCode).isEqualTo(1002);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[101,[1,1]]", "[201,\"t\"]", "[202,\"t\"]", "[301,\"t\",1]", "[102,[3,0],1]" })
	void consumerClosesOnAnythingButAnOfferedWelcomeBeforeTheHandshake(String frame) {
		RecordingChannel channel = new RecordingChannel();
		accepted(ClusterState.Role.CONSUMER, channel).received(frame);
		assertThat(channel.closeCode).isEqualTo(1002);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[101,[1,1]]", "[201,\"t\"]", "[202,\"t\"]", "[102,[1,1],1]" })
	void consumerClosesOnOutOfRoleMessagesAfterTheHandshake(String frame) {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
		link.received("[102,[1,1],1]");
		link.received(frame);
		assertThat(channel.closeCode).isEqualTo(1002);
	}

	@Test
	void undecidedLinkBecomesProducerOnHello() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(null, channel);
		link.received("[101,[1,1]]");
		assertThat(link.role()).isEqualTo(ClusterState.Role.PRODUCER);
		assertThat(channel.frames).containsExactly("[102,[1,1],777]");
	}

	@Test
	void undecidedLinkActsAsConsumerWhenAsked() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = accepted(null, channel);
		link.actAsConsumer();
		assertThat(link.role()).isEqualTo(ClusterState.Role.CONSUMER);
		assertThat(channel.frames).containsExactly("[101,[1,0],[1,1],[1,2]]");
	}

	@Test
	void handshakeTimesOut() {
		RecordingChannel channel = new RecordingChannel();
		accepted(ClusterState.Role.PRODUCER, channel);
		await().atMost(Duration.ofSeconds(5)).until(() -> channel.closeCode != null);
		assertThat(channel.closeCode).isEqualTo(1002);
		assertThat(channel.closeReason).isEqualTo("handshake timeout");
	}

	@Test
	void closedLinkNoLongerReceivesEvents() {
		RecordingChannel channel = new RecordingChannel();
		PeerLink link = ready(channel);
		link.received("[201,\"t\"]");
		RecordingChannel open = new RecordingChannel();
		ready(open).received("[201,\"t\"]");
		link.closed(1001, "bye");
		this.subscribers.publish("t", "1");
		assertThat(channel.frames).containsExactly("[102,[1,1],777]");
		// the event went out, on the link still open
		assertThat(open.frames).containsExactly("[102,[1,1],777]", "[301,\"t\",1]");
		assertThat(this.cluster.links()).hasSize(1);
	}

	@Test
	void topicSyncStaysConsistentUnderConcurrentSubscriptionChanges() throws Exception {
		// the shared 300 ms handshake timeout could close a link on a loaded machine before
		// its 102 is read (then no frame at all): this test is about the sync, not the timer
		this.cluster = new ClusterLinks(NODE_ID,
				Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER,
						ClusterState.Mode.CLIENT),
				this.subscribers, this.scheduler, Duration.ofMinutes(1));
		this.subscribers.setApplicationEventPublisher((event) -> this.cluster
			.onApplicationEvent((io.pubsubclub.wamp.event.WampTopicEvent) event));
		for (int round = 0; round < 20; round++) {
			RecordingChannel channel = new RecordingChannel();
			PeerLink link = accepted(ClusterState.Role.CONSUMER, channel);
			java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
			List<Thread> threads = new java.util.ArrayList<>();
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			for (int t = 0; t < 4; t++) {
				int seed = t;
				Thread thread = new Thread(() -> {
					java.util.Random random = new java.util.Random(seed);
					try {
						start.await();
					}
					catch (InterruptedException ex) {
						return;
					}
					for (int i = 0; i < 500; i++) {
						String topic = "t" + random.nextInt(8);
						if (random.nextBoolean()) {
							this.subscribers.subscribe(topic);
						}
						else {
							this.subscribers.unsubscribe(topic);
						}
					}
				});
				thread.setUncaughtExceptionHandler((failed, ex) -> failures.add(ex));
				thread.start();
				threads.add(thread);
			}
			start.countDown();
			link.received("[102,[1,1],5]");
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(failures).as("exceptions on the subscribing threads").isEmpty();
			java.util.Set<String> held = new java.util.HashSet<>();
			for (String frame : channel.frames.subList(1, channel.frames.size())) {
				String topic = frame.substring(6, frame.length() - 2);
				if (frame.startsWith("[201,")) {
					assertThat(held.add(topic)).as("201 for a topic already held: %s", frame).isTrue();
				}
				else {
					assertThat(held.remove(topic)).as("202 for a topic not held: %s", frame).isTrue();
				}
			}
			assertThat(held).as("frames %s, closed %s", channel.frames, channel.closeCode).isEqualTo(this.subscribers.topics());
			link.closed(1000, null);
		}
	}

	private PeerLink ready(RecordingChannel channel) {
		PeerLink link = accepted(ClusterState.Role.PRODUCER, channel);
		link.received("[101,[1,0],[1,1]]");
		return link;
	}

	private PeerLink accepted(ClusterState.Role role, RecordingChannel channel) {
		PeerLink link = this.cluster.accepted("127.0.0.1:1", role);
		link.opened(channel);
		return link;
	}

}
