package io.pubsubclub.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterGapEvent;
import io.pubsubclub.cluster.TcpProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backplane across Redis drops: a redis-server killed and restarted while events
 * flow, one node cut off from Redis while the others publish (recovered from history
 * exactly once and in order), and past the history's limits (a gap reported).
 */
class RedisRecoveryTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String TOPIC = "http://example.com/redis#recovery";

	private final RedisServers redis = new RedisServers();

	private final RedisTestNodes nodes = new RedisTestNodes();

	private final List<TcpProxy> proxies = new ArrayList<>();

	@AfterEach
	void stop() throws Exception {
		this.nodes.close();
		for (TcpProxy proxy : this.proxies) {
			proxy.close();
		}
		this.redis.close();
	}

	@Test
	void redisKilledAndRestartedWhileEventsFlowLosesNothing() throws Exception {
		// what Redis took survives its restart (appendfsync always); what it had not
		// taken waits in the publishing node's Lettuce queue
		RedisServers.Server server = this.redis.start("--appendonly", "yes", "--appendfsync", "always");
		RedisTestNodes.Node a = this.nodes.start(server.port());
		RedisTestNodes.Node b = this.nodes.start(server.port());
		RedisTestNodes.Node c = this.nodes.start(server.port());
		b.subscribers().subscribe(TOPIC);
		c.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b) && live(c));
		int total = 300;
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread publisher = new Thread(() -> {
			try {
				for (int i = 0; i < total; i++) {
					a.subscribers().publish(TOPIC, Integer.toString(i));
					Thread.sleep(3);
				}
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		});
		publisher.start();
		await().atMost(WAIT).until(() -> a.state().published() >= 50);
		server.kill();
		Thread.sleep(500);
		server.start();
		publisher.join(WAIT.toMillis());
		assertThat(failure.get()).isNull();
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() >= total
				&& c.subscribers().delivered().size() >= total && live(b) && live(c));
		// each once; and every node in the same order, the order Redis took them in
		// (the publishes the crash left without a reply are resent by Lettuce after
		// those it queued meanwhile, so that order may differ from the publisher's
		// around the crash)
		assertThat(b.subscribers().delivered()).as("%s %s", a.state(), b.state())
			.containsExactlyInAnyOrderElementsOf(expected(0, total));
		assertThat(c.subscribers().delivered()).containsExactlyElementsOf(b.subscribers().delivered());
		assertThat(b.gaps()).isEmpty();
		assertThat(c.gaps()).isEmpty();
		assertThat(b.state().reconnects()).isPositive();
		assertThat(a.state().dropped()).isZero();
	}

	@Test
	void aNodeCutOffFromRedisRecoversWhatWasPublishedMeanwhileExactlyOnceInOrder() throws Exception {
		RedisServers.Server server = this.redis.start();
		TcpProxy proxy = proxy(server);
		RedisTestNodes.Node a = this.nodes.start(server.port());
		RedisTestNodes.Node b = this.nodes.start(proxy.address().port());
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b));
		publish(a, 0, 10);
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 10);
		proxy.refuse();
		proxy.reset();
		await().atMost(WAIT).until(() -> !b.state().connected());
		publish(a, 10, 60);
		await().atMost(WAIT).until(() -> a.state().published() == 60);
		proxy.accept(true);
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() >= 60 && live(b));
		assertThat(b.subscribers().delivered()).containsExactlyElementsOf(expected(0, 60));
		assertThat(b.state().recovered()).isEqualTo(50);
		assertThat(b.gaps()).isEmpty();
		// and live again
		publish(a, 60, 61);
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 61);
	}

	@Test
	void aDropPastTheHistoryIsReportedAsAGap() throws Exception {
		RedisServers.Server server = this.redis.start();
		TcpProxy proxy = proxy(server);
		RedisTestNodes.Node a = this.nodes.start(server.port(), "pubsubclub.redis.history.max-len=10");
		RedisTestNodes.Node b = this.nodes.start(proxy.address().port());
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b));
		publish(a, 0, 5);
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 5);
		proxy.refuse();
		proxy.reset();
		await().atMost(WAIT).until(() -> !b.state().connected());
		// MAXLEN ~ trims whole stream nodes (100 entries by default)
		publish(a, 5, 400);
		await().atMost(WAIT).until(() -> a.state().published() == 400);
		proxy.accept(true);
		await().atMost(WAIT).until(() -> b.gaps().size() == 1 && live(b));
		ClusterGapEvent gap = b.gaps().get(0);
		assertThat(gap.getTopics()).containsExactly(TOPIC);
		assertThat(gap.getProducerNodeId()).isEqualTo(RedisBackplane.UNKNOWN_PRODUCER);
		assertThat(b.state().gaps()).isOne();
		// what the history still held came after the gap, once and in order, up to the last
		await().atMost(WAIT).until(() -> b.subscribers().delivered().get(b.subscribers().delivered().size() - 1)
			.equals(TOPIC + " 399"));
		List<String> delivered = b.subscribers().delivered();
		int resumedAt = Integer.parseInt(delivered.get(5).substring(TOPIC.length() + 1));
		assertThat(resumedAt).isGreaterThan(5);
		assertThat(delivered).containsExactlyElementsOf(concat(expected(0, 5), expected(resumedAt, 400)));
		// the history numbers every publish: the gap knows how many were trimmed
		assertThat(gap.getMissed()).hasValue(resumedAt - 5);
		assertThat(b.state().missed()).isEqualTo(resumedAt - 5);
	}

	@Test
	void withoutHistoryAResubscriptionIsReportedAsAGap() throws Exception {
		RedisServers.Server server = this.redis.start();
		TcpProxy proxy = proxy(server);
		RedisTestNodes.Node b = this.nodes.start(proxy.address().port(), "pubsubclub.redis.history.enabled=false");
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b));
		proxy.reset();
		await().atMost(WAIT).until(() -> b.gaps().size() == 1);
		assertThat(b.gaps().get(0).getTopics()).containsExactly(TOPIC);
	}

	private TcpProxy proxy(RedisServers.Server server) throws Exception {
		TcpProxy proxy = new TcpProxy(server.port());
		this.proxies.add(proxy);
		return proxy;
	}

	private static void publish(RedisTestNodes.Node node, int from, int to) {
		for (int i = from; i < to; i++) {
			node.subscribers().publish(TOPIC, Integer.toString(i));
		}
	}

	private static List<String> expected(int from, int to) {
		return IntStream.range(from, to).mapToObj((i) -> TOPIC + " " + i).toList();
	}

	private static List<String> concat(List<String> first, List<String> second) {
		List<String> all = new ArrayList<>(first);
		all.addAll(second);
		return all;
	}

	static boolean live(RedisTestNodes.Node node) {
		RedisBackplaneState state = node.state();
		return state.connected() && state.channels() == node.subscribers().topics().size() && state.recovering() == 0;
	}

}
