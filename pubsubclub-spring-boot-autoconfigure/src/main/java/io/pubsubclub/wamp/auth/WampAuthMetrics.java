package io.pubsubclub.wamp.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.RateLimitedLog;

/**
 * Counters of WAMP authentication and authorization, for a metrics binder to read; and
 * the log of WAMP-CRA refusals, which writes at most {@value #REFUSAL_LINES_PER_SESSION}
 * INFO lines per session and {@value #REFUSAL_LINES_PER_MINUTE} per minute in total,
 * counting the rest ({@link #getUnlogged()}).
 *
 * @author PubSubClub
 */
public final class WampAuthMetrics {

	/**
	 * How a WAMP-CRA step or an authorization check ended.
	 */
	public enum Outcome {

		/** {@code authreq} answered with a challenge. */
		CHALLENGED,

		/** {@code auth} succeeded. */
		AUTHENTICATED,

		/** {@code auth} with a wrong signature. */
		INVALID_SIGNATURE,

		/** {@code authreq} for an unknown auth key. */
		NO_SUCH_AUTHKEY,

		/** {@code authreq} with a {@code null} auth key. */
		ANONYMOUS_FORBIDDEN,

		/** A non-string auth key or signature, a non-object extra, too many arguments, a huge auth key. */
		INVALID_ARGUMENT,

		/** {@code auth} before {@code authreq}, either of them twice or after success. */
		OUT_OF_ORDER,

		/** The credentials source failed. */
		CREDENTIALS_ERROR,

		/** Session closed after too many failed attempts. */
		TOO_MANY_FAILURES,

		/** Session closed for not authenticating in time. */
		TIMEOUT,

		/** A SUBSCRIBE, PUBLISH or CALL refused because the session is not authenticated. */
		NOT_AUTHENTICATED,

		/** A CALL refused by the authorizer or by method security. */
		CALL_REFUSED,

		/**
		 * {@code authreq} or {@code auth} refused unseen: its auth key or remote address
		 * failed too often across sessions ({@link WampCraThrottle}).
		 */
		THROTTLED

	}

	static final int REFUSAL_LINES_PER_SESSION = 5;

	static final int REFUSAL_LINES_PER_MINUTE = 20;

	private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);

	private final RateLimitedLog refusalLog = RateLimitedLog.sessionRefusals(REFUSAL_LINES_PER_SESSION,
			REFUSAL_LINES_PER_MINUTE);

	private volatile @Nullable WampCraThrottle throttle;

	public WampAuthMetrics() {
		for (Outcome outcome : Outcome.values()) {
			this.outcomes.put(outcome, new LongAdder());
		}
	}

	/**
	 * Count an outcome.
	 * @param outcome the outcome
	 */
	public void count(Outcome outcome) {
		this.outcomes.get(outcome).increment();
	}

	void throttle(WampCraThrottle throttle) {
		this.throttle = throttle;
	}

	/**
	 * Return the cross-session throttle of WAMP-CRA failures, for its tracked entries.
	 * @return the throttle, {@code null} when WAMP-CRA has none
	 */
	public @Nullable WampCraThrottle getThrottle() {
		return this.throttle;
	}

	RateLimitedLog refusalLog() {
		return this.refusalLog;
	}

	/**
	 * Return how many WAMP-CRA refusals were counted but not logged, over the log's
	 * per-session or per-minute bound.
	 * @return the count since start-up
	 */
	public long getUnlogged() {
		return this.refusalLog.unlogged();
	}

	/**
	 * Return how often an outcome happened since start-up.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long get(Outcome outcome) {
		return this.outcomes.get(outcome).sum();
	}

}
