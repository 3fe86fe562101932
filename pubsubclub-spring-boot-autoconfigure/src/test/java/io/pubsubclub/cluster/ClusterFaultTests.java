package io.pubsubclub.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.pubsubclub.cluster.FaultLoad.Arrivals;
import io.pubsubclub.cluster.FaultLoad.Checker;
import io.pubsubclub.cluster.FaultLoad.Stream;
import io.pubsubclub.cluster.TestNodes.Node;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/**
 * Faults on a cluster link, with three real nodes and a steady publish load checked
 * event by event. A producer publishes a numbered stream; consumer B dials it through
 * a fault-injecting {@link TcpProxy}, consumer C dials it directly. Every event must
 * reach each consumer exactly once and in order, or fall inside a gap the consumer
 * reported ({@link ClusterGapEvent}); C, whose link is never touched, must get every
 * event. The faults: a cut inside a frame, stalls shorter and longer than the ping
 * timeout, a black hole, a trickle, a reset with the port refused, the registry
 * unreachable, a flapping link, the producer killed and restarted on the same and on a
 * new address, and a port in use at start-up. Each scenario prints a {@code FAULT:} line with its figures (events published,
 * lost, duplicated, out of order, gaps reported, the time to detect the fault and to
 * recover from it), and the class prints them as a table at the end (docs/testing.md).
 * <p>
 * Short by default (about a minute); {@code -Dpubsubclub.faults.long=true} runs each
 * link fault five times and flaps for 30 s instead of 5
 * ({@code -Dpubsubclub.faults.rounds}, {@code -Dpubsubclub.faults.flap-seconds}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
// each scenario has its own bound below: a long run is far over the default timeout
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ClusterFaultTests {

	private static final boolean LONG = Boolean.getBoolean("pubsubclub.faults.long");

	private static final int ROUNDS = Integer.getInteger("pubsubclub.faults.rounds", LONG ? 5 : 1);

	private static final Duration FLAP = Duration
		.ofSeconds(Long.getLong("pubsubclub.faults.flap-seconds", LONG ? 30 : 5));

	private static final Duration PING = Duration.ofMillis(500);

	/** Events a second in the steady load. */
	private static final int RATE = 200;

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final List<String> TABLE = new CopyOnWriteArrayList<>();

	private final TestNodes nodes = new TestNodes();

	private final List<TcpProxy> proxies = new ArrayList<>();

	private final AtomicInteger streams = new AtomicInteger();

	private Node producer;

	private Node viaProxy;

	private Node direct;

	private TcpProxy proxy;

	@BeforeAll
	void startNodes() throws IOException {
		this.producer = this.nodes.start(nodeProperties("pubsubclub.producer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.server.port=0"));
		this.proxy = proxy(this.producer.address().port());
		this.viaProxy = consumer(this.proxy.address());
		this.direct = consumer(this.producer.address());
	}

	@AfterEach
	void healed() {
		// whatever a scenario left, the next starts from two ready links
		this.proxy.stall(Duration.ZERO);
		this.proxy.trickle(0);
		this.proxy.blackHole(false);
		this.proxy.accept(true);
	}

	@AfterAll
	void stopNodes() throws IOException {
		this.nodes.close();
		for (TcpProxy proxy : this.proxies) {
			proxy.close();
		}
		System.out.println("FAULT: results (" + (LONG ? "long" : "short") + " run)\n"
				+ "| scenario | published | lost | duplicated | out of order | gaps reported | detected after | recovered after |\n"
				+ "|---|---|---|---|---|---|---|---|\n" + String.join("\n", TABLE));
	}

	@Test
	@Order(1)
	void cutMidFrame() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("cut mid-frame", () -> {
				this.proxy.cutMidFrame();
				await().atMost(WAIT).until(() -> !this.proxy.cutPending());
			});
		}
	}

	@Test
	@Order(2)
	void stallShorterThanThePingTimeout() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("stall 250 ms (ping 500 ms)", () -> stall(PING.dividedBy(2)));
		}
	}

	@Test
	@Order(3)
	void stallLongerThanThePingTimeout() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("stall 2 s (ping 500 ms)", () -> stall(Duration.ofSeconds(2)));
		}
	}

	@Test
	@Order(4)
	void blackHole() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("black hole 2 s", () -> {
				this.proxy.blackHole(true);
				sleep(Duration.ofSeconds(2));
				this.proxy.blackHole(false);
			});
		}
	}

	@Test
	@Order(5)
	void trickle() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("trickle 2 KB/s for 2 s", () -> {
				this.proxy.trickle(2048);
				sleep(Duration.ofSeconds(2));
				this.proxy.trickle(0);
			});
		}
	}

	@Test
	@Order(6)
	void resetAndRefuse() {
		for (int round = 0; round < ROUNDS; round++) {
			scenario("reset, refused 1 s", () -> {
				this.proxy.refuse();
				this.proxy.reset();
				sleep(Duration.ofSeconds(1));
				this.proxy.accept(true);
			});
		}
	}

	@Test
	@Order(7)
	void registryUnreachable() {
		// B has the producer as a static peer (through the proxy) and from the registry, C
		// from the registry as well; each registry fails for a while, as one unreachable
		FailingRegistry toB = new FailingRegistry(this.viaProxy, this.proxy.address(), this.producer);
		FailingRegistry toC = new FailingRegistry(this.direct, this.producer.address(), this.producer);
		try {
			Result result = scenario("registry unreachable 2 s (static peer and discovery)", () -> {
				toB.outage(true);
				toC.outage(true);
				sleep(Duration.ofSeconds(2));
				toB.outage(false);
				toC.outage(false);
				// a few refreshes with the registry back
				sleep(Duration.ofMillis(500));
			});
			assertThat(result.detected).as("a registry outage drops no link").isNegative();
			assertThat(toB.failedReads.get() + toC.failedReads.get()).as("reads the outage failed").isPositive();
		}
		finally {
			toB.stop();
			toC.stop();
		}
	}

	@Test
	@Order(8)
	void flappingPeer() {
		scenario("flapping every 1 s for " + FLAP.toSeconds() + " s", () -> {
			long end = System.nanoTime() + FLAP.toNanos();
			boolean up = true;
			while (System.nanoTime() < end) {
				if (up) {
					this.proxy.refuse();
					this.proxy.reset();
				}
				else {
					this.proxy.accept(true);
				}
				up = !up;
				sleep(Duration.ofSeconds(1));
			}
			this.proxy.accept(true);
		});
	}

	@ParameterizedTest(name = "restarted on the {0} address")
	@ValueSource(strings = { "same", "new" })
	@Order(9)
	void producerKilledAndRestarted(String address) throws Exception {
		int port = StablePort.pick();
		String[] producerProperties = nodeProperties("pubsubclub.producer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.node-id=4711", "pubsubclub.server.port=" + port);
		try (TestNodes restartNodes = new TestNodes()) {
			Node first = restartNodes.start(producerProperties);
			// the consumers dial it through proxies, so that the kill is a reset, not a close
			TcpProxy toB = proxy(port);
			TcpProxy toC = proxy(port);
			Node b = restartNodes.start(consumerProperties(toB.address()));
			Node c = restartNodes.start(consumerProperties(toC.address()));
			String topic = "restart-" + address;
			Checker atB = new Checker(b, topic);
			Checker atC = new Checker(c, topic);
			subscribe(first, topic, b, c);
			Stream before = new Stream(first, topic, "p1", RATE);
			atB.awaitAtLeast(before, 50);
			atC.awaitAtLeast(before, 50);
			LinkWatch watch = new LinkWatch(b);
			// killed: its links cut by resets, no close frame, then the node gone
			long killed = System.nanoTime();
			for (TcpProxy proxy : List.of(toB, toC)) {
				proxy.refuse();
				proxy.reset();
			}
			before.stop();
			first.stop();
			Node second;
			if (address.equals("same")) {
				second = restartNodes.start(producerProperties);
				toB.accept(true);
				toC.accept(true);
			}
			else {
				second = restartNodes.start(nodeProperties("pubsubclub.producer.enabled=true",
						"pubsubclub.producer.mode=server", "pubsubclub.node-id=4711", "pubsubclub.server.port=0"));
				// as discovery announces the new address and forgets the old
				for (Node consumer : List.of(b, c)) {
					consumer.peers().add(second.address());
				}
				b.peers().remove(toB.address());
				c.peers().remove(toC.address());
			}
			long restarted = System.nanoTime();
			await().atMost(WAIT).until(() -> forwardsTo(second, topic) == 2);
			Stream after = new Stream(second, topic, "p2", RATE);
			atB.awaitAtLeast(after, 50);
			atC.awaitAtLeast(after, 50);
			after.stop();
			atB.awaitAll(after);
			atC.awaitAll(after);
			watch.stop();
			Result result = Result.of("producer killed, restarted on the " + address + " address", atB, before, after);
			result.gaps = b.gaps().size();
			result.detected = watch.downAt - killed;
			result.recovered = atB.firstArrival(after) - restarted;
			report(result, atC.lost(before) + atC.lost(after));
			// what the first producer had not forwarded when it died is lost, and said to be
			assertThat(b.gaps()).anySatisfy((gap) -> {
				assertThat(gap.getTopics()).contains(topic);
				assertThat(gap.isProducerRestarted()).isTrue();
			});
			atB.assertExactlyOnceInOrder(after);
			atC.assertExactlyOnceInOrder(after);
			atB.assertInOrderWithoutDuplicates(before);
			atC.assertInOrderWithoutDuplicates(before);
		}
	}

	@Test
	@Order(10)
	void portInUseAtStartUpFailsNamingTheProperty() throws Exception {
		try (ServerSocket taken = new ServerSocket()) {
			taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			long start = System.nanoTime();
			assertThatException()
				.isThrownBy(() -> this.nodes.start(nodeProperties("pubsubclub.producer.enabled=true",
						"pubsubclub.producer.mode=server", "pubsubclub.server.address=127.0.0.1",
						"pubsubclub.server.port=" + taken.getLocalPort())))
				.satisfies((ex) -> assertThat(messages(ex)).contains("pubsubclub.server.port")
					.contains(Integer.toString(taken.getLocalPort())));
			long failed = System.nanoTime() - start;
			System.out.println("FAULT: port in use at start-up: the node failed to start in " + failed / 1_000_000
					+ " ms, naming pubsubclub.server.port");
			TABLE.add("| port in use at start-up | - | - | - | - | - | start-up fails naming pubsubclub.server.port in "
					+ failed / 1_000_000 + " ms | - |");
		}
	}

	/**
	 * Run a fault on B's link while the producer publishes, then check every event at B
	 * and C and report the figures.
	 */
	private Result scenario(String name, Runnable fault) {
		String topic = "fault-" + this.streams.incrementAndGet();
		Checker atB = new Checker(this.viaProxy, topic);
		Checker atC = new Checker(this.direct, topic);
		int gapsBefore = this.viaProxy.gaps().size();
		subscribe(this.producer, topic, this.viaProxy, this.direct);
		Stream stream = new Stream(this.producer, topic, "p", RATE);
		atB.awaitAtLeast(stream, 50);
		atC.awaitAtLeast(stream, 50);
		LinkWatch watch = new LinkWatch(this.viaProxy);
		long start = System.nanoTime();
		fault.run();
		long end = System.nanoTime();
		long publishedAtEnd = stream.published();
		// the load goes on until B has had events published after the fault, then stops
		await().atMost(WAIT).until(() -> this.viaProxy.readyLinks() == 1);
		atB.awaitAtLeast(stream, publishedAtEnd + RATE / 2);
		stream.stop();
		atB.awaitAll(stream);
		atC.awaitAll(stream);
		watch.stop();
		Result result = Result.of(name, atB, stream);
		result.gaps = this.viaProxy.gaps().size() - gapsBefore;
		result.detected = (watch.downAt > 0) ? watch.downAt - start : -1;
		result.recovered = atB.caughtUp(stream, publishedAtEnd) - end;
		report(result, atC.lost(stream));
		atC.assertExactlyOnceInOrder(stream);
		atB.assertInOrderWithoutDuplicates(stream);
		if (result.lost > 0) {
			// lost only inside a gap the consumer reported, of at least as many events
			long reported = this.viaProxy.gaps()
				.stream()
				.skip(gapsBefore)
				.filter((gap) -> gap.getTopics().contains(topic))
				.mapToLong((gap) -> gap.getMissed().orElse(Long.MAX_VALUE))
				.sum();
			assertThat(reported).as(name + ": events lost at B (" + result.lost + ") outside a reported gap")
				.isGreaterThanOrEqualTo(result.lost);
		}
		this.viaProxy.subscribers().unsubscribe(topic);
		this.direct.subscribers().unsubscribe(topic);
		return result;
	}

	private void report(Result result, long lostAtDirect) {
		String detected = (result.detected >= 0) ? result.detected / 1_000_000 + " ms" : "not dropped";
		String recovered = Math.max(0, result.recovered) / 1_000_000 + " ms";
		System.out.println("FAULT: " + result.name + ": published " + result.published + ", at B lost " + result.lost
				+ ", duplicated " + result.duplicated + ", out of order " + result.outOfOrder + ", gaps reported "
				+ result.gaps + "; detected after " + detected + ", recovered " + recovered
				+ " after the fault ended; at C (untouched link) lost " + lostAtDirect);
		TABLE.add("| " + result.name + " | " + result.published + " | " + result.lost + " | " + result.duplicated + " | "
				+ result.outOfOrder + " | " + result.gaps + " | " + detected + " | " + recovered + " |");
	}

	private static void subscribe(Node producer, String topic, Node... consumers) {
		for (Node consumer : consumers) {
			consumer.subscribers().subscribe(topic);
		}
		await().atMost(WAIT).until(() -> forwardsTo(producer, topic) == consumers.length);
	}

	private static long forwardsTo(Node producer, String topic) {
		return producer.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(topic))
			.count();
	}

	private void stall(Duration duration) {
		this.proxy.stall(duration);
		sleep(duration);
	}

	private TcpProxy proxy(int port) throws IOException {
		TcpProxy proxy = new TcpProxy(port);
		this.proxies.add(proxy);
		return proxy;
	}

	private Node consumer(PeerAddress peer) {
		Node consumer = this.nodes.start(consumerProperties(peer));
		await().atMost(WAIT).until(() -> consumer.readyLinks() == 1);
		return consumer;
	}

	private static String[] consumerProperties(PeerAddress peer) {
		return nodeProperties("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client",
				"pubsubclub.peers=" + peer);
	}

	private static String[] nodeProperties(String... properties) {
		List<String> all = new ArrayList<>(List.of("pubsubclub.link.ping-interval=" + PING.toMillis() + "ms",
				"pubsubclub.link.handshake-timeout=1s", "pubsubclub.link.reconnect-delay=50ms",
				"pubsubclub.link.max-reconnect-delay=500ms"));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

	private static String messages(Throwable ex) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			messages.append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private static void sleep(Duration duration) {
		LockSupport.parkNanos(duration.toNanos());
	}

	/** When B's link to the producer first left the ready state. */
	static final class LinkWatch {

		volatile long downAt;

		private final AtomicBoolean watching = new AtomicBoolean(true);

		private final Thread thread;

		LinkWatch(Node consumer) {
			this.thread = new Thread(() -> {
				while (this.watching.get()) {
					if (this.downAt == 0 && consumer.readyLinks() == 0) {
						this.downAt = System.nanoTime();
					}
					LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
				}
			}, "fault-link-watch");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void stop() {
			this.watching.set(false);
		}

	}

	/** One scenario's figures at B. */
	static final class Result {

		final String name;

		long published;

		long lost;

		long duplicated;

		long outOfOrder;

		long gaps;

		long detected = -1;

		long recovered;

		private Result(String name) {
			this.name = name;
		}

		static Result of(String name, Checker checker, Stream... streams) {
			Result result = new Result(name);
			for (Stream stream : streams) {
				Arrivals arrivals = checker.of(stream);
				result.published += stream.published();
				result.lost += checker.lost(stream);
				result.duplicated += arrivals.duplicated();
				result.outOfOrder += arrivals.outOfOrder();
			}
			return result;
		}

	}

}
