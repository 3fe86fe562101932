package io.pubsubclub.redis;

import java.util.List;
import java.util.OptionalLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.cluster.ClusterGapEvent;

/**
 * Reads a topic's history stream after a (re)subscription, from the last id the topic's
 * {@link TopicReceiver} saw, and delivers what it finds through the
 * {@link RedisSubscriptions}; reports what the history no longer holds as a gap
 * ({@link ClusterGapEvent} with producer id {@link RedisBackplane#UNKNOWN_PRODUCER}, a
 * WARN, the gap counters).
 * <p>
 * Invariants: one recovery chain per topic at a time (a second request while one runs
 * makes it take another pass, {@link TopicReceiver#beginRecovery()}); the counter is read
 * first, so that a number given before the passes and not found by them was trimmed;
 * each entry is delivered at most once, in stream order. A failed read is retried
 * after {@link RedisBackplane#MIN_RETRY_MILLIS} doubling to
 * {@link RedisBackplane#MAX_RETRY_MILLIS} on the backplane's thread; nothing here
 * blocks a Lettuce thread.
 * <p>
 * Bounds: {@link RedisBackplaneSettings#RECOVERY_BATCH} entries per read.
 *
 * @author PubSubClub
 */
final class HistoryRecovery {

	private static final Log logger = LogFactory.getLog(RedisBackplane.class);

	private final RedisBackplane backplane;

	private final RedisCounters counters;

	private final RedisSubscriptions subscriptions;

	HistoryRecovery(RedisBackplane backplane, RedisCounters counters, RedisSubscriptions subscriptions) {
		this.backplane = backplane;
		this.counters = counters;
		this.subscriptions = subscriptions;
	}

	void recover(TopicReceiver receiver) {
		if (!receiver.beginRecovery()) {
			return;
		}
		this.counters.recoveries.increment();
		recover(receiver, RedisBackplane.MIN_RETRY_MILLIS);
	}

	private void recover(TopicReceiver receiver, long retryMillis) {
		RedisConnections connections = this.backplane.connections();
		if (connections == null || receiver.isClosed()) {
			return;
		}
		connections.counter(receiver.counterKey()).whenComplete((number, ex) -> {
			if (ex != null) {
				retry(ex, () -> recover(receiver, next(retryMillis)), retryMillis);
				return;
			}
			pass(receiver, number, RedisBackplane.MIN_RETRY_MILLIS);
		});
	}

	private void pass(TopicReceiver receiver, long counter, long retryMillis) {
		RedisConnections connections = this.backplane.connections();
		StreamId last = receiver.lastId();
		if (connections == null || receiver.isClosed() || last == null) {
			return;
		}
		int batch = RedisBackplaneSettings.RECOVERY_BATCH;
		connections.range(receiver.streamKey(), last.next(), batch).whenComplete((entries, ex) -> {
			if (ex != null) {
				retry(ex, () -> pass(receiver, counter, next(retryMillis)), retryMillis);
				return;
			}
			for (RedisConnections.Entry entry : entries) {
				entry(receiver, entry);
			}
			if (entries.size() >= batch) {
				pass(receiver, counter, RedisBackplane.MIN_RETRY_MILLIS);
				return;
			}
			long missed = receiver.reachedEnd(counter);
			if (missed > 0) {
				reportTrimmed(receiver.topic(), missed);
			}
			if (receiver.passEnded()) {
				pass(receiver, counter, RedisBackplane.MIN_RETRY_MILLIS);
			}
		});
	}

	private void entry(TopicReceiver receiver, RedisConnections.Entry entry) {
		RedisEnvelope.Received received;
		try {
			String text = entry.text();
			String number = entry.number();
			if (text == null || number == null) {
				throw new IllegalArgumentException("no m or n field");
			}
			received = RedisEnvelope.decode(StreamId.parse(entry.id()), RedisEnvelope.number(number), text);
		}
		catch (IllegalArgumentException failure) {
			this.subscriptions.malformed(receiver.streamKey() + " " + entry.id(), failure);
			return;
		}
		TopicReceiver.Recovered recovered = receiver.recovered(received);
		if (recovered.restarted()) {
			reportGap(receiver.topic(), OptionalLong.empty(),
					"its history began anew (it expired, or Redis lost it in a restart) during a Redis connection drop");
		}
		else if (recovered.missed() > 0) {
			reportTrimmed(receiver.topic(), recovered.missed());
		}
		if (recovered.verdict() == TopicReceiver.Verdict.DELIVER) {
			this.subscriptions.deliver(receiver, received, true);
		}
		else if (recovered.verdict() == TopicReceiver.Verdict.DUPLICATE) {
			this.counters.duplicates.increment();
		}
	}

	private void reportTrimmed(String topic, long missed) {
		reportGap(topic, OptionalLong.of(missed), missed + " events were trimmed from its history before this node "
				+ "read them (pubsubclub.redis.history.max-len / max-age)");
	}

	void reportGap(String topic, OptionalLong missed, String why) {
		this.counters.gaps.increment();
		if (missed.isPresent()) {
			this.counters.missed.add(missed.getAsLong());
		}
		logger.warn("Redis backplane of node " + this.backplane.nodeId() + ": events on " + topic + " may be lost: "
				+ why);
		this.backplane.publishGap(new ClusterGapEvent(this.backplane, RedisBackplane.UNKNOWN_PRODUCER, List.of(topic),
				missed, false));
	}

	private void retry(Throwable failure, Runnable task, long retryMillis) {
		this.backplane.failed(failure.getMessage());
		this.backplane.warn("reading history at " + this.backplane.endpoint() + " failed (" + failure.getMessage()
				+ "); retrying in " + retryMillis + " ms");
		this.backplane.schedule(task, retryMillis);
	}

	private static long next(long retryMillis) {
		return Math.min(retryMillis * 2, RedisBackplane.MAX_RETRY_MILLIS);
	}

}
