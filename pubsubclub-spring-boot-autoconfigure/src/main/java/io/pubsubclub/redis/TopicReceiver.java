package io.pubsubclub.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What this node receives on one topic subscribed locally: where it stands in the
 * topic's history (the stream id and number of the last publish it saw) and which
 * publishes it delivered, so that each is delivered once and in the order Redis took
 * them.
 * <p>
 * With history on, the receiver is {@link State#STARTING} until it knows where the
 * history ends (read <em>before</em> subscribing, so that whatever is published after
 * it is either received on the channel or read from the stream), then
 * {@link State#RECOVERING} after each (re)subscription while it reads the stream from
 * the last id it saw, and {@link State#LIVE} once it has read to the end with no message
 * arriving meanwhile. Messages that arrive while it is not live are not delivered from
 * the channel: they are in the stream, and the recovery pass reads them (another pass is
 * made when some arrived during the last one). A live message whose number skips one
 * (the channel lost a message without a reconnect) starts a recovery too. Only the
 * recovery chain delivers while recovering, and only the pub/sub connection's thread
 * while live, so deliveries of one topic never overlap.
 * <p>
 * Bounds: one stream id and number, and the {@link OriginWindow} of at most
 * {@link #MAX_ORIGINS} publishing node starts, the least recently seen dropped first.
 *
 * @author PubSubClub
 */
final class TopicReceiver {

	/** Most publishing node starts whose sequence numbers a topic remembers. */
	static final int MAX_ORIGINS = 64;

	enum State {

		STARTING, RECOVERING, LIVE

	}

	enum Verdict {

		DELIVER, DUPLICATE, SKIP, RECOVER

	}

	private final String topic;

	private final String channel;

	private final String streamKey;

	private final String counterKey;

	private final boolean history;

	// guarded by this
	private State state;

	private @Nullable StreamId lastId;

	private long lastNumber;

	private boolean again;

	private boolean subscribedBefore;

	private boolean closed;

	private final Map<Long, OriginWindow> origins = new LinkedHashMap<>(16, 0.75f, true) {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, OriginWindow> eldest) {
			return size() > MAX_ORIGINS;
		}

	};

	TopicReceiver(String topic, RedisBackplaneSettings settings) {
		this.topic = topic;
		this.channel = settings.channel(topic);
		this.streamKey = settings.streamKey(topic);
		this.counterKey = settings.counterKey(topic);
		this.history = settings.history();
		this.state = this.history ? State.STARTING : State.LIVE;
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

	String counterKey() {
		return this.counterKey;
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
	 * Where the history ended before subscribing is known.
	 */
	synchronized void started(RedisConnections.HistoryEnd end) {
		this.lastId = end.last();
		this.lastNumber = end.number();
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
	 * A recovery read to the end, where the counter stood at {@code number} before the
	 * first pass: publishes numbered up to it that the passes did not find were trimmed
	 * from the stream.
	 * @return how many such publishes are missing
	 */
	synchronized long reachedEnd(long number) {
		// read before the passes, which may have gone past it since: only a number
		// above the last one seen says something was not found
		if (number > this.lastNumber) {
			long missed = number - this.lastNumber;
			this.lastNumber = number;
			return missed;
		}
		return 0;
	}

	/**
	 * A message arrived on the channel.
	 */
	synchronized Verdict live(RedisEnvelope.Received received) {
		if (this.closed) {
			return Verdict.SKIP;
		}
		if (this.state != State.LIVE) {
			this.again = true;
			return Verdict.SKIP;
		}
		if (this.history && received.id() != null && this.lastId != null
				&& received.id().compareTo(this.lastId) > 0 && received.number() > this.lastNumber + 1) {
			// the channel skipped a publish: the stream has it
			return Verdict.RECOVER;
		}
		return accept(received);
	}

	/**
	 * An entry was read from the stream during a recovery.
	 * @return the verdict, and how many numbers before it are missing
	 */
	synchronized Recovered recovered(RedisEnvelope.Received received) {
		if (this.closed) {
			return new Recovered(Verdict.SKIP, 0, false);
		}
		long missed = 0;
		boolean restarted = false;
		StreamId id = received.id();
		if (id != null && this.lastId != null && id.compareTo(this.lastId) > 0) {
			if (received.number() <= this.lastNumber) {
				// a later entry with a number already used: the history began anew, and
				// what the old one held after the last id seen here cannot be known
				restarted = true;
				this.lastNumber = received.number() - 1;
			}
			else if (received.number() > this.lastNumber + 1) {
				missed = received.number() - this.lastNumber - 1;
			}
		}
		return new Recovered(accept(received), missed, restarted);
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
			this.lastNumber = received.number();
		}
		OriginWindow window = this.origins.get(received.instance());
		if (window == null) {
			this.origins.put(received.instance(), new OriginWindow(received.seq()));
			return Verdict.DELIVER;
		}
		return window.accept(received.seq()) ? Verdict.DELIVER : Verdict.DUPLICATE;
	}

	record Recovered(Verdict verdict, long missed, boolean restarted) {

	}

}
