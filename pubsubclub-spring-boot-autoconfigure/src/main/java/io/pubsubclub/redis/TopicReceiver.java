package io.pubsubclub.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What this node receives on one topic subscribed locally: where it stands in the
 * topic's history and which publishes it already delivered, so that each is delivered
 * once and in the order Redis took them.
 * <p>
 * With history on, the receiver is {@link State#STARTING} until it knows the id of the
 * stream's last entry (read <em>before</em> subscribing, so that whatever is published
 * after it is either received on the channel or read from the stream), then
 * {@link State#RECOVERING} after each (re)subscription while it reads the stream from
 * the last id it saw, and {@link State#LIVE} once it has read to the end with no message
 * arriving meanwhile. Messages that arrive while it is not live are not delivered from
 * the channel: they are in the stream, and the recovery pass reads them (another pass is
 * made when some arrived during the last one). Only the recovery chain delivers while
 * recovering, and only the pub/sub connection's thread while live, so deliveries of one
 * topic never overlap.
 * <p>
 * Bounds: one stream id, and at most {@link #MAX_ORIGINS} (publishing node start, last
 * sequence number) pairs, the least recently seen dropped first.
 *
 * @author PubSubClub
 */
final class TopicReceiver {

	/** Most publishing nodes whose last sequence number a topic remembers. */
	static final int MAX_ORIGINS = 256;

	enum State {

		STARTING, RECOVERING, LIVE

	}

	private final String topic;

	private final String channel;

	private final String streamKey;

	// guarded by this
	private State state;

	private @Nullable StreamId lastId;

	private boolean again;

	private boolean subscribedBefore;

	private boolean closed;

	private final Map<Long, Long> origins = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
			return size() > MAX_ORIGINS;
		}

	};

	TopicReceiver(String topic, String channel, String streamKey, boolean history) {
		this.topic = topic;
		this.channel = channel;
		this.streamKey = streamKey;
		this.state = history ? State.STARTING : State.LIVE;
	}

	String topic() {
		return this.topic;
	}

	String channel() {
		return this.channel;
	}

	String streamKey() {
		return this.streamKey;
	}

	synchronized State state() {
		return this.state;
	}

	synchronized @Nullable StreamId lastId() {
		return this.lastId;
	}

	synchronized boolean isClosed() {
		return this.closed;
	}

	synchronized void close() {
		this.closed = true;
	}

	/**
	 * The stream's last id before subscribing is known.
	 */
	synchronized void started(StreamId last) {
		this.lastId = last;
	}

	/**
	 * The channel was subscribed (first time, or again after a reconnect).
	 * @return whether this is a subscription again
	 */
	synchronized boolean subscribed() {
		boolean before = this.subscribedBefore;
		this.subscribedBefore = true;
		return before;
	}

	/**
	 * Begin a recovery.
	 * @return {@code false} when one is already under way (it will make another pass),
	 * or the receiver is closed or has no start yet
	 */
	synchronized boolean beginRecovery() {
		if (this.closed || this.lastId == null) {
			return false;
		}
		if (this.state == State.RECOVERING) {
			this.again = true;
			return false;
		}
		this.state = State.RECOVERING;
		this.again = false;
		return true;
	}

	/**
	 * A recovery pass read to the end of the stream.
	 * @return whether to make another pass (messages arrived during this one)
	 */
	synchronized boolean passEnded() {
		if (this.closed) {
			return false;
		}
		if (this.again) {
			this.again = false;
			return true;
		}
		this.state = State.LIVE;
		return false;
	}

	/**
	 * A message arrived on the channel.
	 * @return whether to deliver it
	 */
	synchronized Verdict live(RedisEnvelope.Received received) {
		if (this.closed) {
			return Verdict.SKIP;
		}
		if (this.state != State.LIVE) {
			this.again = true;
			return Verdict.SKIP;
		}
		return accept(received);
	}

	/**
	 * An entry was read from the stream during a recovery.
	 */
	synchronized Verdict recovered(RedisEnvelope.Received received) {
		if (this.closed) {
			return Verdict.SKIP;
		}
		return accept(received);
	}

	private Verdict accept(RedisEnvelope.Received received) {
		StreamId id = received.id();
		if (id != null && this.lastId != null) {
			if (id.compareTo(this.lastId) <= 0) {
				return Verdict.DUPLICATE;
			}
		}
		if (id != null) {
			this.lastId = id;
		}
		Long last = this.origins.get(received.instance());
		if (last != null && received.seq() <= last) {
			return Verdict.DUPLICATE;
		}
		this.origins.put(received.instance(), received.seq());
		return Verdict.DELIVER;
	}

	enum Verdict {

		DELIVER, DUPLICATE, SKIP

	}

}
