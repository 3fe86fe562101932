package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Resume after a link drop (PSC 1.2) over real links through a {@link TcpProxy} that is
 * cut mid-stream.
 */
class ResumeEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final TestNodes nodes = new TestNodes();

	private final List<TcpProxy> proxies = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (TcpProxy proxy : this.proxies) {
			proxy.close();
		}
		this.nodes.close();
	}

	@Test
	void eventsPublishedAtASteadyRateAcrossTwoCutsArriveExactlyOnceInOrder() throws Exception {
		Node producer = producer();
		TcpProxy proxy = proxy(producer);
		Node consumer = consumer(proxy);
		int count = 1500;
		AtomicInteger published = new AtomicInteger();
		Thread publisher = new Thread(() -> {
			for (int i = 0; i < count; i++) {
				producer.subscribers().publish("t", String.valueOf(i));
				published.incrementAndGet();
				LockSupport.parkNanos(1_000_000);
			}
		}, "steady-publisher");
		publisher.start();
		await().atMost(WAIT).until(() -> published.get() >= count / 3);
		proxy.reset();
		await().atMost(WAIT).until(() -> consumer.cluster().totals().resume().resumes() >= 1);
		await().atMost(WAIT).until(() -> published.get() >= 2 * count / 3);
		proxy.closeCleanly();
		await().atMost(WAIT).until(() -> consumer.cluster().totals().resume().resumes() >= 2);
		publisher.join(WAIT.toMillis());
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() >= count);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			expected.add("t " + i);
		}
		assertThat(consumer.subscribers().delivered()).containsExactlyElementsOf(expected);
		assertThat(proxy.connections()).isEqualTo(3);
		assertThat(consumer.gaps()).isEmpty();
		assertThat(consumer.cluster().totals().resume().gaps()).isZero();
		assertThat(producer.cluster().totals().resume().replaysServed()).isEqualTo(2);
		assertThat(consumer.links()).singleElement().satisfies((link) -> {
			assertThat(link.version()).isEqualTo("1.2");
			assertThat(link.lastResume().complete()).isTrue();
		});
	}

	@Test
	void concurrentPublishersKeepTheSequenceIncreasingOnTheLinkAcrossACut() throws Exception {
		Node producer = producer();
		TcpProxy proxy = proxy(producer);
		Node consumer = consumer(proxy);
		int threads = 4;
		int each = 500;
		List<Thread> publishers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int id = t;
			publishers.add(new Thread(() -> {
				for (int i = 0; i < each; i++) {
					producer.subscribers().publish("t", "[" + id + "," + i + "]");
				}
			}, "publisher-" + t));
		}
		publishers.forEach(Thread::start);
		proxy.reset();
		for (Thread publisher : publishers) {
			publisher.join(WAIT.toMillis());
		}
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() >= threads * each);
		// a sequence number that went backwards would have closed the link as bad input
		assertThat(consumer.cluster().totals().badFrames()).isZero();
		assertThat(consumer.subscribers().delivered()).hasSize(threads * each).doesNotHaveDuplicates();
		for (int t = 0; t < threads; t++) {
			String prefix = "t [" + t + ",";
			List<String> fromOne = consumer.subscribers().delivered().stream().filter((e) -> e.startsWith(prefix)).toList();
			List<String> expected = new ArrayList<>();
			for (int i = 0; i < each; i++) {
				expected.add(prefix + i + "]");
			}
			assertThat(fromOne).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void dropLongerThanTheBufferReportsAGapWithTheNumberMissed() throws Exception {
		Node producer = producer("pubsubclub.link.replay.max-events=50");
		TcpProxy proxy = proxy(producer);
		Node consumer = consumer(proxy);
		for (int i = 0; i < 10; i++) {
			producer.subscribers().publish("t", String.valueOf(i));
		}
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 10);
		proxy.refuse();
		proxy.reset();
		await().atMost(WAIT).until(() -> producer.readyLinks() == 0);
		for (int i = 10; i < 210; i++) {
			producer.subscribers().publish("t", String.valueOf(i));
		}
		proxy.accept(true);
		await().atMost(WAIT).until(() -> !consumer.gaps().isEmpty());
		ClusterGapEvent gap = consumer.gaps().get(0);
		assertThat(gap.getProducerNodeId()).isEqualTo(producer.cluster().nodeId());
		assertThat(gap.getTopics()).containsExactly("t");
		assertThat(gap.getMissed()).hasValue(150);
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 60);
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			expected.add("t " + i);
		}
		for (int i = 160; i < 210; i++) {
			expected.add("t " + i);
		}
		assertThat(consumer.subscribers().delivered()).containsExactlyElementsOf(expected);
		ClusterState.Resume resume = consumer.links().get(0).lastResume();
		assertThat(resume.complete()).isFalse();
		assertThat(resume.missed()).isEqualTo(150);
		assertThat(resume.replayed()).isEqualTo(50);
		assertThat(consumer.cluster().totals().resume().missed()).isEqualTo(150);
	}

	@Test
	void restartedProducerIsNotResumedAndItsNewSequenceIsDelivered() throws Exception {
		// a fixed node id: the consumer knows the producer that comes back with a new epoch
		// a port the kernel does not hand out: nothing takes it while the producer is down
		int port = StablePort.pick();
		Node producer = producer("pubsubclub.node-id=4711", "pubsubclub.server.port=" + port);
		TcpProxy proxy = proxy(producer);
		Node consumer = consumer(proxy);
		producer.subscribers().publish("t", "\"before\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 1);
		producer.stop();
		Node restarted = producer("pubsubclub.node-id=4711", "pubsubclub.server.port=" + port);
		await().atMost(WAIT).until(() -> restarted.forwards("t"));
		restarted.subscribers().publish("t", "\"after\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 2);
		assertThat(consumer.subscribers().delivered()).containsExactly("t \"before\"", "t \"after\"");
		assertThat(restarted.cluster().totals().resume().replaysServed()).isZero();
		assertThat(consumer.gaps()).singleElement().satisfies((gap) -> {
			assertThat(gap.isProducerRestarted()).isTrue();
			assertThat(gap.getTopics()).containsExactly("t");
		});
	}

	@Test
	void resumeTurnedOffLosesWhatWasPublishedDuringTheDrop() throws Exception {
		Node producer = producer("pubsubclub.link.replay.max-events=0");
		TcpProxy proxy = proxy(producer);
		Node consumer = consumer(proxy, "pubsubclub.link.replay.max-events=0");
		producer.subscribers().publish("t", "1");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 1);
		proxy.refuse();
		proxy.reset();
		await().atMost(WAIT).until(() -> producer.readyLinks() == 0);
		producer.subscribers().publish("t", "2");
		proxy.accept(true);
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		producer.subscribers().publish("t", "3");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 2);
		assertThat(consumer.subscribers().delivered()).containsExactly("t 1", "t 3");
		assertThat(producer.cluster().totals().resume().replaysServed()).isZero();
	}

	private Node producer(String... extra) {
		List<String> properties = new ArrayList<>(List.of("pubsubclub.producer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.server.port=0"));
		properties.addAll(List.of(extra));
		if (properties.stream().filter((p) -> p.startsWith("pubsubclub.server.port=")).count() > 1) {
			properties.remove("pubsubclub.server.port=0");
		}
		return this.nodes.start(properties.toArray(String[]::new));
	}

	private TcpProxy proxy(Node producer) throws Exception {
		TcpProxy proxy = new TcpProxy(producer.cluster().serverPort());
		this.proxies.add(proxy);
		return proxy;
	}

	private Node consumer(TcpProxy proxy, String... extra) {
		List<String> properties = new ArrayList<>(List.of("pubsubclub.consumer.enabled=true",
				"pubsubclub.consumer.mode=client", "pubsubclub.peers=" + proxy.address(),
				"pubsubclub.link.reconnect-delay=100ms", "pubsubclub.link.max-reconnect-delay=200ms"));
		properties.addAll(List.of(extra));
		Node consumer = this.nodes.start(properties.toArray(String[]::new));
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> consumer.readyLinks() == 1 && consumer.links().get(0).topics().contains("t"));
		return consumer;
	}

}
