package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The resume soak: a raw PSC 1.2 consumer drops its link and resumes again and again
 * while a producer node publishes at a steady rate on a busy and a quiet topic, plus a
 * burst on a third topic at every 203, with drops of random length, some past the
 * buffer's {@code max-age}. Every event of the topics it holds is checked: delivered
 * exactly once and in order, or missing only where a 204 reported a gap.
 * <p>
 * Short by default (200 resumes, about half a minute); {@code
 * -Dpubsubclub.resume.soak.iterations=N} runs N resumes (2,000 took 260 s on a loaded
 * machine, well inside its own timeout of 30 minutes; every step fails within 30 s of
 * silence).
 */
class ResumeSoakTests {

	private static final int ITERATIONS = Integer.getInteger("pubsubclub.resume.soak.iterations", 200);

	private static final Duration MAX_AGE = Duration.ofMillis(500);

	private static final int BURST = 300;

	private static final List<String> HELD = List.of("busy", "quiet", "burst");

	private static final Pattern EVENT = Pattern.compile("\\[301,\"(\\w+)\",(-?\\d+),(\\d+)\\]");

	private static final Pattern WELCOME = Pattern.compile("\\[102,\\[1,2\\],-?\\d+,\"([^\"]+)\"\\]");

	private final TestNodes nodes = new TestNodes();

	private final Random random = new Random();

	private volatile boolean stopping;

	// per held topic, what the consumer saw in order: delivered indexes, and gap marks
	private final Map<String, List<long[]>> seen = new HashMap<>();

	private long lastSeq;

	private int duplicates;

	@AfterEach
	void close() {
		this.stopping = true;
		this.nodes.close();
	}

	@Test
	@Timeout(value = 30, unit = TimeUnit.MINUTES)
	void everyEventIsDeliveredOnceInOrderOrInsideAReportedGap() throws Exception {
		long seed = this.random.nextLong();
		this.random.setSeed(seed);
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.link.replay.max-age=" + MAX_AGE.toMillis() + "ms");
		int port = producer.cluster().serverPort();
		HELD.forEach((topic) -> this.seen.put(topic, new ArrayList<>()));
		Map<String, AtomicInteger> published = new HashMap<>();
		for (String topic : List.of("busy", "quiet", "burst", "elsewhere")) {
			published.put(topic, new AtomicInteger());
		}
		Semaphore bursts = new Semaphore(0);
		String epoch = null;
		Thread steady = null;
		Thread burst = null;
		try {
			for (int i = 0; i <= ITERATIONS; i++) {
				boolean last = i == ITERATIONS;
				if (last) {
					this.stopping = true;
					steady.join(30_000);
					burst.join(30_000);
				}
				try (RawPscConsumer consumer = RawPscConsumer.connect(port, true)) {
					this.linkSeq = 0;
					consumer.send("[101,[1,2]]");
					String welcome = next(consumer, seed);
					Matcher matcher = WELCOME.matcher(welcome);
					assertThat(matcher.matches()).as("102 of 1.2: %s", welcome).isTrue();
					if (epoch == null) {
						epoch = matcher.group(1);
						for (String topic : HELD) {
							consumer.send("[201,\"" + topic + "\"]");
						}
						await().atMost(Duration.ofSeconds(30))
							.until(() -> HELD.stream().allMatch(producer::forwards));
						steady = publisher("steady", () -> {
							publish(producer, published, "busy");
							if (published.get("busy").get() % 20 == 0) {
								publish(producer, published, "quiet");
							}
							publish(producer, published, "elsewhere");
							LockSupport.parkNanos(1_000_000);
						});
						burst = publisher("burst", () -> {
							try {
								if (bursts.tryAcquire(50, TimeUnit.MILLISECONDS)) {
									for (int n = 0; n < BURST; n++) {
										publish(producer, published, "burst");
									}
								}
							}
							catch (InterruptedException ex) {
								Thread.currentThread().interrupt();
							}
						});
					}
					else {
						assertThat(matcher.group(1)).as("the producer's epoch").isEqualTo(epoch);
						this.resumedFrom = this.lastSeq;
						consumer.send("[203,\"" + epoch + "\"," + this.lastSeq + ",\"busy\",\"quiet\",\"burst\"]");
						bursts.release();
						readUntilResumed(consumer, seed);
					}
					if (last) {
						for (String topic : HELD) {
							publish(producer, published, topic);
						}
						readUntil(consumer, seed, () -> HELD.stream()
							.allMatch((topic) -> lastIndex(topic) == published.get(topic).get() - 1));
						break;
					}
					long liveUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(this.random.nextInt(60));
					while (System.nanoTime() < liveUntil) {
						handle(consumer.poll(5), seed);
					}
					if (this.random.nextBoolean()) {
						consumer.reset();
					}
				}
				// what arrived before the drop was read already: only what the queue holds counts
				long drop = (i % 25 == 24) ? MAX_AGE.toMillis() + 300 + this.random.nextInt(300)
						: this.random.nextInt(50);
				Thread.sleep(drop);
			}
		}
		finally {
			this.stopping = true;
		}
		for (String topic : HELD) {
			check(topic, published.get(topic).get(), seed);
		}
		assertThat(this.gapRanges).as("gaps reported (drops past max-age lose events)").isNotEmpty();
		assertThat(producer.cluster().totals().resume().replaysServed()).isEqualTo(ITERATIONS);
	}

	private Thread publisher(String name, Runnable step) {
		Thread thread = new Thread(() -> {
			while (!this.stopping) {
				step.run();
			}
		}, "soak-" + name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void publish(Node producer, Map<String, AtomicInteger> published, String topic) {
		// one thread per topic: the index is the topic's publish order
		producer.subscribers().publish(topic, String.valueOf(published.get(topic).getAndIncrement()));
	}

	private String next(RawPscConsumer consumer, long seed) throws InterruptedException {
		String frame = consumer.poll(30_000);
		if (frame == null || frame.equals(RawPscConsumer.CLOSED)) {
			fail("link ended or went silent (close %d, seed %d), after resume at %d", consumer.closeCode(), seed,
					this.lastSeq);
		}
		return frame;
	}

	private void readUntilResumed(RawPscConsumer consumer, long seed) throws InterruptedException {
		while (true) {
			String frame = next(consumer, seed);
			if (frame.startsWith("[204,")) {
				if (!frame.equals("[204,true]")) {
					// the numbers (resumed from, first still held) that may be missing; 0: unknown
					long first = Long.parseLong(frame.substring("[204,false,".length(), frame.length() - 1));
					// every topic is tracked here: the producer always knows what was lost
					assertThat(first).as("a gap of known size (seed %d)", seed).isPositive();
					this.gapRanges.add(new long[] { this.resumedFrom, first });
				}
				return;
			}
			this.linkSeq = deliver(frame, this.linkSeq, seed);
		}
	}

	private long linkSeq;

	private long resumedFrom;

	// each reported gap: the numbers from [0] (excluded) to [1] (excluded) may be missing
	private final List<long[]> gapRanges = new ArrayList<>();

	private void handle(String frame, long seed) {
		if (frame != null && !frame.equals(RawPscConsumer.CLOSED)) {
			this.linkSeq = deliver(frame, this.linkSeq, seed);
		}
	}

	private void readUntil(RawPscConsumer consumer, long seed, java.util.function.BooleanSupplier done)
			throws InterruptedException {
		while (!done.getAsBoolean()) {
			handle(next(consumer, seed), seed);
		}
	}

	private long deliver(String frame, long linkSeq, long seed) {
		Matcher matcher = EVENT.matcher(frame);
		assertThat(matcher.matches()).as("a 301 of 1.2 (seed %d): %s", seed, frame).isTrue();
		long seq = Long.parseLong(matcher.group(3));
		assertThat(seq).as("sequence numbers increase on a link (seed %d)", seed).isGreaterThan(linkSeq);
		if (seq <= this.lastSeq) {
			this.duplicates++;
			return seq;
		}
		this.lastSeq = seq;
		this.seen.get(matcher.group(1)).add(new long[] { Long.parseLong(matcher.group(2)), seq });
		return seq;
	}

	private long lastIndex(String topic) {
		List<long[]> entries = this.seen.get(topic);
		return entries.isEmpty() ? -1 : entries.get(entries.size() - 1)[0];
	}

	private void check(String topic, int published, long seed) {
		long expected = 0;
		long previousSeq = 0;
		for (long[] entry : this.seen.get(topic)) {
			long index = entry[0];
			long seq = entry[1];
			if (index < expected) {
				fail("%s: event %d delivered again or out of order after %d (seed %d)", topic, index, expected - 1,
						seed);
			}
			if (index > expected && !reported(previousSeq, seq)) {
				fail("%s: events %d..%d missing, between seq %d and %d, and no gap reported there (seed %d; "
						+ "%d gaps reported in all)", topic, expected, index - 1, previousSeq, seq, seed,
						this.gapRanges.size());
			}
			expected = index + 1;
			previousSeq = seq;
		}
		assertThat(expected).as("%s: the last event arrived", topic).isEqualTo(published);
	}

	// whether a reported gap may hold a number between two delivered ones
	private boolean reported(long after, long before) {
		for (long[] range : this.gapRanges) {
			if (range[0] < before - 1 && range[1] > after + 1) {
				return true;
			}
		}
		return false;
	}

}
