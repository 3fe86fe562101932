package io.pubsubclub.wamp.auth;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of WAMP authentication and authorization, for a metrics binder to read.
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
		CALL_REFUSED

	}

	private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);

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

	/**
	 * Return how often an outcome happened since start-up.
	 * @param outcome the outcome
	 * @return the count
	 */
	public long get(Outcome outcome) {
		return this.outcomes.get(outcome).sum();
	}

}
