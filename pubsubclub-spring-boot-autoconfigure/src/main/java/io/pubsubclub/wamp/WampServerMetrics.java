package io.pubsubclub.wamp;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.pubsubclub.support.RateLimitedLog;

/**
 * Counters of the WAMP server, plain and cheap to update, for a metrics binder to read;
 * and the log of ignored and refused messages, which writes at most
 * {@value #REFUSAL_LINES_PER_SESSION} INFO lines per session and
 * {@value #REFUSAL_LINES_PER_MINUTE} per minute in total, counting the rest
 * ({@link #getUnloggedRefusals()}).
 *
 * @author PubSubClub
 */
public final class WampServerMetrics {

	/**
	 * Kinds of bad input the server counts.
	 */
	public enum BadFrame {

		/** A text frame that is not JSON: logged and ignored. */
		NOT_JSON,

		/** JSON that is not an array with an integer type first: logged and ignored. */
		NOT_ARRAY,

		/** A type the server does not accept from a client: logged and ignored. */
		UNKNOWN_TYPE,

		/**
		 * PREFIX, SUBSCRIBE, UNSUBSCRIBE or PUBLISH with the wrong number or kinds of
		 * elements: logged and ignored.
		 */
		BAD_ARGUMENTS,

		/** CALL whose callId or procUri is not a string: session closed with 1002. */
		PROTOCOL_ERROR,

		/** A message over the size limit: session closed with 1009. */
		TOO_BIG,

		/** A binary frame: session closed with 1003. */
		BINARY

	}

	/**
	 * Per-session and per-node limits whose refusals are counted; the name of each is the
	 * property under {@code pubsubclub.wamp.limits} that sets it.
	 */
	public enum Limit {

		/** A SUBSCRIBE beyond the session's subscriptions: not performed. */
		SUBSCRIPTIONS_PER_SESSION,

		/** A SUBSCRIBE, UNSUBSCRIBE or PUBLISH whose topic URI is too long: not performed. */
		TOPIC_LENGTH,

		/** A SUBSCRIBE that would add a topic beyond the node's distinct topics: not performed. */
		TOPICS_PER_NODE,

		/** A PREFIX beyond the session's prefixes: not kept. */
		PREFIXES_PER_SESSION,

		/** A PREFIX whose prefix or URI is too long: not kept. */
		PREFIX_LENGTH,

		/** A CALL beyond the session's outstanding calls: answered with a busy CALLERROR. */
		CALLS_PER_SESSION,

		/**
		 * A PUBLISH over the session's budget that could not be slowed (the container
		 * cannot suspend reading): not performed.
		 */
		PUBLISH_RATE,

		/**
		 * A PUBLISH whose exclude and eligible lists name more session ids than allowed:
		 * not performed (a procedure's publish is answered with an invalid-argument
		 * CALLERROR).
		 */
		SESSION_IDS_PER_PUBLISH,

		/**
		 * A PUBLISH whose exclude or eligible list holds an id longer than allowed: not
		 * performed (a procedure's publish is answered with an invalid-argument CALLERROR).
		 */
		SESSION_ID_LENGTH;

		/**
		 * Return the name of the property under {@code pubsubclub.wamp.limits}.
		 * @return the property name
		 */
		public String propertyName() {
			return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
		}

	}

	private final AtomicLong sessionsOpen = new AtomicLong();

	static final int REFUSAL_LINES_PER_SESSION = 5;

	static final int REFUSAL_LINES_PER_MINUTE = 20;

	private final RateLimitedLog refusalLog = RateLimitedLog.sessionRefusals(REFUSAL_LINES_PER_SESSION,
			REFUSAL_LINES_PER_MINUTE);

	private final LongAdder sessionsOpened = new LongAdder();

	private final Map<WampProtocol, AtomicLong> sessionsOpenByProtocol = new EnumMap<>(WampProtocol.class);

	private final Map<WampProtocol, LongAdder> sessionsOpenedByProtocol = new EnumMap<>(WampProtocol.class);

	private final Map<Wamp2MessageType, LongAdder> messagesInV2 = new EnumMap<>(Wamp2MessageType.class);

	private final LongAdder eventsDeliveredV2 = new LongAdder();

	private final Map<WampMessageType, LongAdder> messagesIn = new EnumMap<>(WampMessageType.class);

	private final Map<BadFrame, LongAdder> badFrames = new EnumMap<>(BadFrame.class);

	private final LongAdder eventsDelivered = new LongAdder();

	private final LongAdder publishes = new LongAdder();

	private final LongAdder refusedSubscribes = new LongAdder();

	private final LongAdder refusedPublishes = new LongAdder();

	private final LongAdder slowSessionCloses = new LongAdder();

	private final LongAdder callErrors = new LongAdder();

	private final Map<Limit, LongAdder> limitRefusals = new EnumMap<>(Limit.class);

	private final LongAdder publishesSlowed = new LongAdder();

	private final LongAdder sessionsSlowed = new LongAdder();

	private final LongAdder callsDropped = new LongAdder();

	private final LongAdder callsTimedOut = new LongAdder();

	private final LongAdder callsRejected = new LongAdder();

	public WampServerMetrics() {
		for (WampMessageType type : WampMessageType.values()) {
			this.messagesIn.put(type, new LongAdder());
		}
		for (BadFrame kind : BadFrame.values()) {
			this.badFrames.put(kind, new LongAdder());
		}
		for (WampProtocol protocol : WampProtocol.values()) {
			this.sessionsOpenByProtocol.put(protocol, new AtomicLong());
			this.sessionsOpenedByProtocol.put(protocol, new LongAdder());
		}
		for (Wamp2MessageType type : Wamp2MessageType.values()) {
			this.messagesInV2.put(type, new LongAdder());
		}
		for (Limit limit : Limit.values()) {
			this.limitRefusals.put(limit, new LongAdder());
		}
	}

	/**
	 * Return how many ignored or refused messages were counted but not logged at INFO,
	 * over the per-session or the per-minute bound of log lines.
	 * @return the count since start-up
	 */
	public long getUnloggedRefusals() {
		return this.refusalLog.unlogged();
	}

	RateLimitedLog refusalLog() {
		return this.refusalLog;
	}

	/**
	 * Return the number of messages refused by a limit.
	 * @param limit the limit
	 * @return the refusals
	 */
	public long getLimitRefusals(Limit limit) {
		return this.limitRefusals.get(limit).sum();
	}

	/**
	 * Return the number of times a session's socket stopped being read because its
	 * publishes went over the publish budget.
	 * @return the slowed publishes
	 */
	public long getPublishesSlowed() {
		return this.publishesSlowed.sum();
	}

	/**
	 * Return the number of sessions slowed at least once by the publish budget: each is
	 * counted, and logged, the first time it is slowed.
	 * @return the sessions slowed
	 */
	public long getSessionsSlowed() {
		return this.sessionsSlowed.sum();
	}

	/**
	 * Return the number of CALLs dropped unanswered because their session closed before
	 * they started.
	 * @return the dropped calls
	 */
	public long getCallsDropped() {
		return this.callsDropped.sum();
	}

	/**
	 * Return the number of CALLs answered with a timeout CALLERROR.
	 * @return the timed-out calls
	 */
	public long getCallsTimedOut() {
		return this.callsTimedOut.sum();
	}

	/**
	 * Return the number of CALLs the call executor refused (its queue full), answered
	 * with a busy CALLERROR.
	 * @return the rejected calls
	 */
	public long getCallsRejected() {
		return this.callsRejected.sum();
	}

	/**
	 * Return the number of WAMP sessions open now.
	 * @return the open sessions
	 */
	public long getSessionsOpen() {
		return this.sessionsOpen.get();
	}

	/**
	 * Return the number of WAMP sessions opened since start.
	 * @return the sessions opened
	 */
	public long getSessionsOpened() {
		return this.sessionsOpened.sum();
	}

	/**
	 * Return the number of WAMP sessions of one version open now.
	 * @param protocol the version
	 * @return the open sessions
	 */
	public long getSessionsOpen(WampProtocol protocol) {
		return this.sessionsOpenByProtocol.get(protocol).get();
	}

	/**
	 * Return the number of WAMP sessions of one version opened since start.
	 * @param protocol the version
	 * @return the sessions opened
	 */
	public long getSessionsOpened(WampProtocol protocol) {
		return this.sessionsOpenedByProtocol.get(protocol).sum();
	}

	/**
	 * Return the number of well-formed WAMP v2 messages received of a type.
	 * @param type the message type
	 * @return the messages received
	 */
	public long getMessagesIn(Wamp2MessageType type) {
		return this.messagesInV2.get(type).sum();
	}

	/**
	 * Return the number of EVENT frames handed to sessions of one version.
	 * @param protocol the version
	 * @return the events delivered
	 */
	public long getEventsDelivered(WampProtocol protocol) {
		return (protocol == WampProtocol.V2) ? this.eventsDeliveredV2.sum()
				: this.eventsDelivered.sum() - this.eventsDeliveredV2.sum();
	}

	/**
	 * Return the number of well-formed messages received of a type.
	 * @param type the message type
	 * @return the messages received
	 */
	public long getMessagesIn(WampMessageType type) {
		return this.messagesIn.get(type).sum();
	}

	/**
	 * Return the number of bad frames received of a kind.
	 * @param kind the kind of bad input
	 * @return the bad frames received
	 */
	public long getBadFrames(BadFrame kind) {
		return this.badFrames.get(kind).sum();
	}

	/**
	 * Return the number of EVENT frames handed to sessions' outbound buffers.
	 * @return the events delivered
	 */
	public long getEventsDelivered() {
		return this.eventsDelivered.sum();
	}

	/**
	 * Return the number of local publishes, from clients and from application code.
	 * @return the publishes
	 */
	public long getPublishes() {
		return this.publishes.sum();
	}

	/**
	 * Return the number of SUBSCRIBEs refused by the topic access rules.
	 * @return the refused subscribes
	 */
	public long getRefusedSubscribes() {
		return this.refusedSubscribes.sum();
	}

	/**
	 * Return the number of PUBLISHes refused by the topic access rules.
	 * @return the refused publishes
	 */
	public long getRefusedPublishes() {
		return this.refusedPublishes.sum();
	}

	/**
	 * Return the number of sessions closed because they could not keep up.
	 * @return the slow-session closes
	 */
	public long getSlowSessionCloses() {
		return this.slowSessionCloses.sum();
	}

	/**
	 * Return the number of CALLERRORs sent.
	 * @return the call errors
	 */
	public long getCallErrors() {
		return this.callErrors.sum();
	}

	void sessionOpened(WampProtocol protocol) {
		this.sessionsOpen.incrementAndGet();
		this.sessionsOpened.increment();
		this.sessionsOpenByProtocol.get(protocol).incrementAndGet();
		this.sessionsOpenedByProtocol.get(protocol).increment();
	}

	void sessionClosed(WampProtocol protocol) {
		this.sessionsOpen.decrementAndGet();
		this.sessionsOpenByProtocol.get(protocol).decrementAndGet();
	}

	void messageIn(Wamp2MessageType type) {
		this.messagesInV2.get(type).increment();
	}

	void eventsDelivered(int v1, int v2) {
		this.eventsDelivered.add(v1 + v2);
		if (v2 > 0) {
			this.eventsDeliveredV2.add(v2);
		}
	}

	void messageIn(WampMessageType type) {
		this.messagesIn.get(type).increment();
	}

	void badFrame(BadFrame kind) {
		this.badFrames.get(kind).increment();
	}

	void eventsDelivered(int count) {
		this.eventsDelivered.add(count);
	}

	void published() {
		this.publishes.increment();
	}

	void refusedSubscribe() {
		this.refusedSubscribes.increment();
	}

	void refusedPublish() {
		this.refusedPublishes.increment();
	}

	void slowSessionClosed() {
		this.slowSessionCloses.increment();
	}

	void callError() {
		this.callErrors.increment();
	}

	void limitRefused(Limit limit) {
		this.limitRefusals.get(limit).increment();
	}

	void publishSlowed() {
		this.publishesSlowed.increment();
	}

	void sessionSlowed() {
		this.sessionsSlowed.increment();
	}

	void callsDropped(int count) {
		this.callsDropped.add(count);
	}

	void callTimedOut() {
		this.callsTimedOut.increment();
	}

	void callRejected() {
		this.callsRejected.increment();
	}

}
