package io.pubsubclub.redis;

import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisCommandExecutionException;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.RemoteSessions;
import io.pubsubclub.wamp.event.WampPublishedEvent;

/**
 * The backplane's publishing side: each local publish goes to its topic's channel (with
 * history on, through the script that also numbers it and appends it to the topic's
 * stream) as a {@link RedisEnvelope} carrying this node's start ({@code instance}), a
 * sequence number, the session lists without this node's own sessions and the WAMP v2
 * flag.
 * <p>
 * Invariants: sequence numbers follow the order in which publishes are handed to
 * Lettuce (both happen under the publish lock, and Lettuce queues without blocking or
 * calling back). A publish whose reply a connection drop failed is sent again with the
 * same text and sequence number (receivers deliver it once, see {@link OriginWindow}),
 * at most {@link #MAX_RESENDS} times, waiting {@link RedisBackplane#MIN_RETRY_MILLIS}
 * doubling to {@link RedisBackplane#MAX_RETRY_MILLIS} on the backplane's thread; an
 * error Redis answered is not resent.
 * <p>
 * Bounds: at most {@link RedisBackplaneSettings#maxPending()} publishes wait for Redis
 * (sent and not answered, or waiting for a resend); more reach local subscribers only
 * and are counted as dropped, as are publishes while the backplane has no connection.
 *
 * @author PubSubClub
 */
final class RedisPublisher {

	/** Times a publish whose reply a connection drop failed is sent again. */
	static final int MAX_RESENDS = 8;

	private final RedisBackplane backplane;

	private final RedisBackplaneSettings settings;

	private final LocalSubscribers localSubscribers;

	private final RedisCounters counters;

	private final AtomicInteger pending = new AtomicInteger();

	private final long instance = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

	private final Object publishLock = new Object();

	// guarded by publishLock
	private long seq;

	RedisPublisher(RedisBackplane backplane, RedisBackplaneSettings settings, LocalSubscribers localSubscribers,
			RedisCounters counters) {
		this.backplane = backplane;
		this.settings = settings;
		this.localSubscribers = localSubscribers;
		this.counters = counters;
	}

	/** This node's start, which its own publishes carry. */
	long instance() {
		return this.instance;
	}

	int pending() {
		return this.pending.get();
	}

	void publish(WampPublishedEvent event) {
		RedisConnections connections = this.backplane.connections();
		if (connections == null) {
			this.counters.dropped.increment();
			this.backplane.warn("not connected to " + this.backplane.endpoint() + " yet: a publish on "
					+ event.getTopic() + " reached local subscribers only");
			return;
		}
		if (this.pending.incrementAndGet() > this.settings.maxPending()) {
			this.pending.decrementAndGet();
			this.counters.dropped.increment();
			this.backplane.warn(this.settings.maxPending() + " publishes already wait for Redis at "
					+ this.backplane.endpoint() + " (pubsubclub.redis.max-pending); a publish on " + event.getTopic()
					+ " reached local subscribers only");
			return;
		}
		String topic = event.getTopic();
		String sessions = remoteSessions(event.getExclude(), event.getEligible(), event.isV2());
		try {
			synchronized (this.publishLock) {
				String text = RedisEnvelope.encode(this.instance, ++this.seq, this.backplane.nodeId(), sessions,
						event.getEventJson());
				send(connections, topic, text).whenComplete((result, ex) -> published(ex, topic, text, 0));
			}
		}
		catch (RuntimeException ex) {
			published(ex, topic, "", MAX_RESENDS);
		}
	}

	private CompletionStage<?> send(RedisConnections connections, String topic, String text) {
		String channel = this.settings.channel(topic);
		return this.settings.history()
				? connections.publishWithHistory(this.settings.streamKey(topic), this.settings.counterKey(topic), channel,
						text, this.settings.maxLen(), this.settings.maxAge().toMillis())
				: connections.publish(channel, "-\n" + text);
	}

	private void published(@Nullable Throwable failure, String topic, String text, int resends) {
		if (failure == null) {
			this.pending.decrementAndGet();
			this.counters.published.increment();
			return;
		}
		if (resends < MAX_RESENDS && this.backplane.isRunning()
				&& !(failure instanceof RedisCommandExecutionException)) {
			// the connection dropped before the reply: Redis may or may not have taken
			// it, and Lettuce resends only the commands it had not failed
			this.counters.resent.increment();
			long delay = Math.min(RedisBackplane.MIN_RETRY_MILLIS << resends, RedisBackplane.MAX_RETRY_MILLIS);
			this.backplane.schedule(() -> resend(topic, text, resends + 1), delay);
			return;
		}
		this.pending.decrementAndGet();
		this.counters.publishFailures.increment();
		this.backplane.failed(failure.getMessage());
		this.backplane.warn("a publish on " + topic + " failed at " + this.backplane.endpoint() + " ("
				+ failure.getMessage() + "); it reached local subscribers only");
	}

	private void resend(String topic, String text, int resends) {
		RedisConnections connections = this.backplane.connections();
		if (connections == null) {
			published(new IllegalStateException("backplane stopped"), topic, text, MAX_RESENDS);
			return;
		}
		try {
			send(connections, topic, text).whenComplete((result, ex) -> published(ex, topic, text, resends));
		}
		catch (RuntimeException ex) {
			published(ex, topic, text, resends);
		}
	}

	// what other nodes need besides the event: the lists without this node's own
	// sessions (applied here already) and the v2 flag; null when there is none
	private @Nullable String remoteSessions(@Nullable Set<String> exclude, @Nullable Set<String> eligible, boolean v2) {
		RemoteSessions remote = RemoteSessions.of(this.localSubscribers, exclude, eligible);
		return (remote.none() && !v2) ? null : RedisEnvelope.sessions(remote.exclude(), remote.eligible(), v2);
	}

}
