package io.pubsubclub.cluster;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

/**
 * The cluster under churn: while several threads publish on every producer, links are
 * removed and added again, reconnected, and local subscriptions come and go, over real
 * loopback links in both dialling directions. Each round checks that nothing
 * deadlocked, that no subscription is stranded (every topic held at the end of the round
 * gets a marker event through), that no event overtook an earlier one from the same
 * publisher, and that heap and threads stay within a slack of round 1's (no leak per
 * link or reconnect). It does not count loss: the churn removes links and
 * subscriptions on purpose, so events are dropped by design; {@code ClusterFaultTests}
 * counts every event under faults that must lose none.
 * <p>
 * Short by default; {@code -Dpubsubclub.stress.iterations=N} runs N rounds (see
 * docs/testing.md), within a time limit derived from the rounds and steps (the default
 * timeout of every other test would stop a long run).
 */
class ClusterStressTests {

	private static final int ROUNDS = Integer.getInteger("pubsubclub.stress.iterations", 3);

	private static final int STEPS = Integer.getInteger("pubsubclub.stress.steps", 40);

	private static final int PUBLISHERS = 3;

	private static final List<String> TOPICS = List.of("t0", "t1", "t2", "t3", "t4", "t5");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final TestNodes nodes = new TestNodes();

	private final List<String> violations = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicLong> lastSeen = new ConcurrentHashMap<>();

	private final AtomicLong delivered = new AtomicLong();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	/**
	 * The limit of the whole run: start-up and a margin, then per round its steps (a
	 * churn step takes up to ~30 ms, a reconnect under load far more on a loaded machine)
	 * and its settling (up to {@link #WAIT} for the markers).
	 */
	static Duration budget(int rounds, int steps) {
		return Duration.ofSeconds(120).plus(WAIT.plusMillis(500L * steps).multipliedBy(rounds));
	}

	@Test
	// the method's own limit is the budget below, derived from the rounds; this only
	// lifts the default timeout of 3 minutes that a long run would hit
	@Timeout(value = 7, unit = TimeUnit.DAYS)
	void linksSurviveChurnUnderLoadWithoutDeadlockStrandedSubscriptionReorderingOrLeak() {
		Duration budget = budget(ROUNDS, STEPS);
		System.out.println("STRESS: time limit " + budget);
		assertTimeoutPreemptively(budget, this::churnRounds,
				() -> "Stress run over its time limit of " + budget + "; threads:\n" + threadDump());
	}

	private void churnRounds() throws Exception {
		long seed = Long.getLong("pubsubclub.stress.seed", System.nanoTime());
		Random random = new Random(seed);
		System.out.println("STRESS: " + ROUNDS + " round(s) of " + STEPS + " steps, seed " + seed);
		// producers dial the consumer (the dialled side handles 101), and a consumer
		// dials a producer (the dialled side handles 102)
		Node consumerServer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.reconnect-delay=20ms",
				"pubsubclub.link.max-reconnect-delay=200ms", "pubsubclub.link.ping-interval=500ms");
		Node producerClient = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.link.reconnect-delay=20ms", "pubsubclub.link.max-reconnect-delay=200ms",
				"pubsubclub.link.ping-interval=500ms", "pubsubclub.peers=" + consumerServer.address());
		Node producerServer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.ping-interval=500ms");
		Node consumerClient = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client",
				"pubsubclub.link.reconnect-delay=20ms", "pubsubclub.link.max-reconnect-delay=200ms",
				"pubsubclub.link.ping-interval=500ms", "pubsubclub.peers=" + producerServer.address());
		watch(consumerServer);
		watch(consumerClient);
		List<long[]> footprints = new ArrayList<>();
		for (int round = 0; round < ROUNDS; round++) {
			AtomicBoolean publishing = new AtomicBoolean(true);
			List<Thread> publishers = new ArrayList<>();
			for (int p = 0; p < PUBLISHERS; p++) {
				publishers.add(publisher(producerClient, "a" + p + "-" + round, publishing));
				publishers.add(publisher(producerServer, "b" + p + "-" + round, publishing));
			}
			for (int step = 0; step < STEPS; step++) {
				churn(random, consumerServer, producerClient, consumerClient, producerServer);
				assertNoDeadlock("round " + round + ", step " + step);
			}
			publishing.set(false);
			for (Thread publisher : publishers) {
				publisher.join(WAIT.toMillis());
				assertThat(publisher.isAlive()).as("publisher finished").isFalse();
			}
			assertNoDeadlock("end of round " + round);
			assertEverySubscriptionGetsItsEvents(round, producerClient, consumerServer, producerServer, consumerClient);
			assertThat(this.violations).as("events out of order").isEmpty();
			footprints.add(footprint());
			System.out.println("STRESS: round " + round + " done, " + this.delivered.get()
					+ " events delivered so far, heap after GC " + footprints.get(round)[0] / (1024 * 1024)
					+ " MB, threads " + footprints.get(round)[1]);
		}
		assertFlat(footprints);
		System.out.println("STRESS: " + ROUNDS + " round(s) without a failure");
	}

	private void churn(Random random, Node consumerServer, Node producerClient, Node consumerClient,
			Node producerServer) {
		String topic = TOPICS.get(random.nextInt(TOPICS.size()));
		switch (random.nextInt(8)) {
			case 0 -> {
				producerClient.peers().remove(consumerServer.address());
				producerClient.peers().add(consumerServer.address());
			}
			case 1 -> producerClient.cluster().reconnect(consumerServer.address());
			case 2 -> {
				consumerClient.peers().remove(producerServer.address());
				consumerClient.peers().add(producerServer.address());
			}
			case 3 -> consumerClient.cluster().reconnectAll();
			case 4, 5 -> toggle(consumerServer.subscribers(), topic);
			default -> toggle(consumerClient.subscribers(), topic);
		}
		// let the links move a little between steps; the publishers run all along
		LockSupport.parkNanos(Duration.ofMillis(random.nextInt(30)).toNanos());
	}

	private static void toggle(TestSubscribers subscribers, String topic) {
		if (subscribers.topics().contains(topic)) {
			subscribers.unsubscribe(topic);
		}
		else {
			subscribers.subscribe(topic);
		}
	}

	private Thread publisher(Node producer, String id, AtomicBoolean publishing) {
		Thread thread = new Thread(() -> {
			long seq = 0;
			while (publishing.get()) {
				for (int i = 0; i < 20; i++) {
					String topic = TOPICS.get((int) (seq % TOPICS.size()));
					producer.subscribers().publish(topic, "[\"" + id + "\"," + (++seq) + "]");
				}
				LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
			}
		}, "stress-publisher-" + id);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private void watch(Node consumer) {
		consumer.subscribers().onDeliver((topic, eventJson) -> {
			this.delivered.incrementAndGet();
			if (!eventJson.startsWith("[\"")) {
				return;
			}
			int comma = eventJson.indexOf(',');
			String publisher = eventJson.substring(2, comma - 1);
			long seq = Long.parseLong(eventJson.substring(comma + 1, eventJson.length() - 1));
			AtomicLong last = this.lastSeen.computeIfAbsent(consumer.cluster().state().nodeId() + " " + topic + " "
					+ publisher, (key) -> new AtomicLong());
			long before = last.getAndSet(seq);
			if (seq <= before) {
				this.violations.add(topic + " from " + publisher + ": " + seq + " after " + before);
			}
		});
	}

	private void assertEverySubscriptionGetsItsEvents(int round, Node producer, Node consumer,
			Node... others) {
		assertDelivers(round, producer, consumer);
		assertDelivers(round, others[0], others[1]);
	}

	private void assertDelivers(int round, Node producer, Node consumer) {
		Set<String> wanted = new TreeSet<>(consumer.subscribers().topics());
		Set<String> got = ConcurrentHashMap.newKeySet();
		String marker = "\"round " + round + " " + consumer.cluster().state().nodeId() + "\"";
		TestSubscribers subscribers = consumer.subscribers();
		subscribers.onDeliver((topic, eventJson) -> {
			this.delivered.incrementAndGet();
			if (eventJson.equals(marker)) {
				got.add(topic);
			}
		});
		try {
			// a link the churn just closed is dialled again within the back-off; every
			// topic held must then reach the producer and its events come back
			await().atMost(WAIT).untilAsserted(() -> {
				assertNoDeadlock("settling round " + round);
				for (String topic : wanted) {
					if (!got.contains(topic)) {
						producer.subscribers().publish(topic, marker);
					}
				}
				assertThat(got).as("topics whose events arrive, round " + round).containsAll(wanted);
			});
		}
		finally {
			watch(consumer);
		}
	}

	private static String threadDump() {
		StringBuilder dump = new StringBuilder();
		for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
			dump.append(info);
		}
		return dump.toString();
	}

	private static void assertNoDeadlock(String when) {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long[] deadlocked = threads.findDeadlockedThreads();
		if (deadlocked != null) {
			StringBuilder dump = new StringBuilder();
			for (ThreadInfo info : threads.getThreadInfo(deadlocked, true, true)) {
				dump.append(info);
			}
			throw new AssertionError("Deadlock at " + when + ":\n" + dump);
		}
	}

	private static long[] footprint() {
		Runtime runtime = Runtime.getRuntime();
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return new long[] { runtime.totalMemory() - runtime.freeMemory(), Thread.activeCount() };
	}

	private static void assertFlat(List<long[]> footprints) {
		if (footprints.size() < 2) {
			return;
		}
		// the first round warms up (classes, pools, buffers); later ones must not grow
		long[] baseline = footprints.get(Math.min(1, footprints.size() - 1));
		long[] last = footprints.get(footprints.size() - 1);
		assertThat(last[0]).as("heap after GC, last round against round 1")
			.isLessThanOrEqualTo(baseline[0] + 64L * 1024 * 1024);
		// the send pools are cached pools: they grow with the churn's peaks and shrink after
		// 30 s idle, so a long run sees some tens more threads; a leak per link grows past this
		assertThat(last[1]).as("live threads, last round against round 1").isLessThanOrEqualTo(baseline[1] + 64);
	}

}
