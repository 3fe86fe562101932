package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The steady load of {@link ClusterFaultTests} and its event-by-event check: numbered
 * streams of events published on a producer, and per consumer what arrived of each, when,
 * twice or late. Every wait is bounded by {@link #WAIT}.
 */
final class FaultLoad {

	static final Duration WAIT = Duration.ofSeconds(30);

	private FaultLoad() {
	}

	/** A numbered stream of events on one topic from one producer, at a given rate. */
	static final class Stream {

		final String id;

		private final AtomicLong seq = new AtomicLong();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Stream(Node producer, String topic, String id, int rate) {
			this.id = id;
			this.thread = new Thread(() -> {
				long start = System.nanoTime();
				while (this.running.get()) {
					long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
					while (this.seq.get() < due && this.running.get()) {
						producer.subscribers().publish(topic, "[\"" + id + "\"," + this.seq.incrementAndGet() + "]");
					}
					LockSupport.parkNanos(1_000_000);
				}
			}, "fault-publisher-" + id);
			this.thread.setDaemon(true);
			this.thread.start();
		}

		long published() {
			return this.seq.get();
		}

		void stop() {
			this.running.set(false);
			try {
				this.thread.join(WAIT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			assertThat(this.thread.isAlive()).as("publisher " + this.id + " stopped").isFalse();
		}

	}

	/** What one consumer received of the streams on one topic, event by event. */
	static final class Checker {

		private final Map<String, Arrivals> streams = new ConcurrentHashMap<>();

		Checker(Node consumer, String topic) {
			Listeners.of(consumer).put(topic, (eventJson) -> {
				int comma = eventJson.indexOf(',');
				String id = eventJson.substring(2, comma - 1);
				long seq = Long.parseLong(eventJson.substring(comma + 1, eventJson.length() - 1));
				this.streams.computeIfAbsent(id, (key) -> new Arrivals()).arrived(seq);
			});
		}

		Arrivals of(Stream stream) {
			return this.streams.computeIfAbsent(stream.id, (key) -> new Arrivals());
		}

		void awaitAtLeast(Stream stream, long seq) {
			await().atMost(WAIT).until(() -> of(stream).max() >= seq);
		}

		/** Wait until the last event published has arrived, and a little for stragglers. */
		void awaitAll(Stream stream) {
			await().atMost(WAIT).until(() -> of(stream).max() >= stream.published());
			LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
		}

		long lost(Stream stream) {
			return stream.published() - of(stream).distinct();
		}

		long firstArrival(Stream stream) {
			return of(stream).firstArrival();
		}

		/** When every event up to {@code seq} that ever arrived had arrived. */
		long caughtUp(Stream stream, long seq) {
			return of(stream).caughtUp(seq);
		}

		void assertExactlyOnceInOrder(Stream stream) {
			Arrivals arrivals = of(stream);
			assertThat(arrivals.duplicated()).as("events of " + stream.id + " duplicated").isZero();
			assertThat(arrivals.outOfOrder()).as("events of " + stream.id + " out of order").isZero();
			assertThat(lost(stream)).as("events of " + stream.id + " lost").isZero();
		}

		void assertInOrderWithoutDuplicates(Stream stream) {
			Arrivals arrivals = of(stream);
			assertThat(arrivals.duplicated()).as("events of " + stream.id + " duplicated").isZero();
			assertThat(arrivals.outOfOrder()).as("events of " + stream.id + " out of order").isZero();
		}

	}

	/** Arrival times by sequence number, and what arrived twice or late. */
	static final class Arrivals {

		private final Map<Long, Long> firstArrival = new ConcurrentHashMap<>();

		private final AtomicLong max = new AtomicLong();

		private final AtomicLong duplicated = new AtomicLong();

		private final AtomicLong outOfOrder = new AtomicLong();

		void arrived(long seq) {
			long now = System.nanoTime();
			if (this.firstArrival.putIfAbsent(seq, now) != null) {
				this.duplicated.incrementAndGet();
				return;
			}
			if (this.max.getAndAccumulate(seq, Math::max) > seq) {
				this.outOfOrder.incrementAndGet();
			}
		}

		long max() {
			return this.max.get();
		}

		long distinct() {
			return this.firstArrival.size();
		}

		long duplicated() {
			return this.duplicated.get();
		}

		long outOfOrder() {
			return this.outOfOrder.get();
		}

		long firstArrival() {
			return this.firstArrival.values().stream().mapToLong(Long::longValue).min().orElse(-1);
		}

		long caughtUp(long seq) {
			long last = 0;
			for (Map.Entry<Long, Long> arrival : this.firstArrival.entrySet()) {
				if (arrival.getKey() <= seq + 1) {
					last = Math.max(last, arrival.getValue());
				}
			}
			return last;
		}

	}

	/** The consumer's one delivery listener, handing each topic's events to its checker. */
	static final class Listeners {

		private static final Map<Node, Map<String, java.util.function.Consumer<String>>> ALL = new ConcurrentHashMap<>();

		static Map<String, java.util.function.Consumer<String>> of(Node consumer) {
			return ALL.computeIfAbsent(consumer, (node) -> {
				Map<String, java.util.function.Consumer<String>> byTopic = new ConcurrentHashMap<>();
				node.subscribers().onDeliver((topic, eventJson) -> {
					java.util.function.Consumer<String> checker = byTopic.get(topic);
					if (checker != null) {
						checker.accept(eventJson);
					}
				});
				return byTopic;
			});
		}

	}

}
