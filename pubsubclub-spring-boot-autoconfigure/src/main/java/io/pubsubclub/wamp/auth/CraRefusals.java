package io.pubsubclub.wamp.auth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;

/**
 * How {@link WampCraAuthenticator} refuses: each refusal counted by outcome, logged
 * within the bounds of {@link WampAuthMetrics}' refusal log, and answered with a
 * {@link WampRpcException} of a {@link WampCra} error URI; and the cross-session
 * {@link WampCraThrottle}, when there is one. A session is locked at its
 * {@code maxFailures}-th failed attempt (an unknown auth key, a wrong signature, an
 * attempt held back by the throttle).
 *
 * @author PubSubClub
 */
final class CraRefusals {

	private final Log logger;

	private final WampAuthMetrics metrics;

	private volatile @Nullable WampCraThrottle throttle;

	private volatile int maxFailures = 3;

	CraRefusals(Log logger, WampAuthMetrics metrics) {
		this.logger = logger;
		this.metrics = metrics;
	}

	void setThrottle(@Nullable WampCraThrottle throttle) {
		this.throttle = throttle;
	}

	void setMaxFailures(int maxFailures) {
		this.maxFailures = maxFailures;
	}

	int maxFailures() {
		return this.maxFailures;
	}

	CompletionStage<Object> alreadyAuthenticated(WampSession session, WampAuthState state, String procedure) {
		return refuse(session, state, Outcome.OUT_OF_ORDER, WampCra.ERROR_ALREADY_AUTHENTICATED,
				"already authenticated", procedure + " after authentication");
	}

	CompletionStage<Object> refuse(WampSession session, WampAuthState state, Outcome outcome, String uri,
			String desc, String logged) {
		return CompletableFuture.failedFuture(failure(session, state, outcome, uri, desc, logged));
	}

	WampRpcException invalid(WampSession session, WampAuthState state, String desc) {
		return failure(session, state, Outcome.INVALID_ARGUMENT, WampCra.ERROR_INVALID_ARGUMENT, desc, desc);
	}

	WampRpcException failure(WampSession session, WampAuthState state, Outcome outcome, String uri, String desc,
			String logged) {
		this.metrics.count(outcome);
		this.metrics.refusalLog()
			.log(this.logger, state.refusalLines(), () -> "WAMP session " + session.getId() + ": " + logged);
		return new WampRpcException(uri, desc);
	}

	/**
	 * Check {@code authreq}'s arguments, {@code [authKey[, extra]]}, in Autobahn's order,
	 * and refuse the first fault: more than two arguments, an {@code extra} that is truthy
	 * but no dictionary, no auth key (anonymous), an auth key that is no string, longer
	 * than the limit or holding an unpaired surrogate.
	 * @return the auth key
	 */
	String checkAuthreq(WampSession session, WampAuthState state, List<JsonNode> arguments, int maxAuthKeyLength) {
		if (arguments.size() > 2) {
			throw invalid(session, state, "authreq takes at most 2 arguments (was " + arguments.size() + ")");
		}
		JsonNode extra = (arguments.size() > 1) ? arguments.get(1) : null;
		if (CraArguments.truthy(extra) && !extra.isObject()) {
			throw invalid(session, state, "extra not a dictionary (was " + CraArguments.kind(extra) + ")");
		}
		JsonNode keyNode = (arguments.isEmpty()) ? null : arguments.get(0);
		if (keyNode == null || keyNode.isNull()) {
			throw failure(session, state, Outcome.ANONYMOUS_FORBIDDEN, WampCra.ERROR_ANONYMOUS_AUTH_FORBIDDEN,
					"authentication as anonymous forbidden", "anonymous authreq");
		}
		if (!keyNode.isString()) {
			throw invalid(session, state,
					"authentication key must be a string (was " + CraArguments.kind(keyNode) + ")");
		}
		String authKey = keyNode.stringValue();
		if (authKey.length() > maxAuthKeyLength) {
			throw invalid(session, state, "authentication key longer than " + maxAuthKeyLength + " characters");
		}
		if (CraArguments.unpairedSurrogate(authKey)) {
			throw invalid(session, state, "authentication key holds an unpaired surrogate");
		}
		return authKey;
	}

	/**
	 * The refusal of an attempt whose auth key or address the throttle holds back (a
	 * failure of the session too), or {@code null} when it may go on.
	 */
	@Nullable WampRpcException heldBack(WampSession session, WampAuthState state, String authKey, String procedure) {
		WampCraThrottle throttle = this.throttle;
		if (throttle == null) {
			return null;
		}
		Duration held = throttle.heldBack(authKey, state.remoteAddress());
		if (held.isZero()) {
			return null;
		}
		boolean locked = state.failed(this.maxFailures);
		long seconds = Math.max(1, held.toSeconds() + ((held.toMillisPart() > 0) ? 1 : 0));
		return failure(session, state, Outcome.THROTTLED, WampCra.ERROR_TOO_MANY_FAILURES,
				"too many failed attempts for this authentication key or from this address, retry in " + seconds
						+ " s",
				procedure + " for auth key " + CraArguments.shown(authKey) + " from " + state.remoteAddress()
						+ " held back " + seconds + " s after repeated failures" + failures(state, locked));
	}

	/**
	 * Count a failed attempt against the session (which it locks at the limit) and with
	 * the throttle, and refuse it; the line logged ends with the session's failures.
	 * @param knownAuthKey the auth key when it exists, {@code null} for an unknown one
	 */
	WampRpcException attemptFailed(WampSession session, WampAuthState state, @Nullable String knownAuthKey,
			Outcome outcome, String uri, String desc, String logged) {
		failed(knownAuthKey, state);
		boolean locked = state.failed(this.maxFailures);
		return failure(session, state, outcome, uri, desc, logged + failures(state, locked));
	}

	/**
	 * Count a failed attempt with the throttle.
	 * @param knownAuthKey the auth key when it exists, {@code null} for an unknown one
	 */
	void failed(@Nullable String knownAuthKey, WampAuthState state) {
		WampCraThrottle throttle = this.throttle;
		if (throttle != null) {
			throttle.failed(knownAuthKey, state.remoteAddress());
		}
	}

	private static String failures(WampAuthState state, boolean locked) {
		return " (" + state.failures() + " failed attempt(s)" + (locked ? ", session locked and closed)" : ")");
	}

}
