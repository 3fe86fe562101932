package io.pubsubclub.wamp.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import io.pubsubclub.wamp.auth.WampAuthState.Pending;
import io.pubsubclub.wamp.auth.WampAuthState.Phase;
import org.springframework.util.Assert;

/**
 * Serves WAMP-CRA's two procedures for every session, as Autobahn 0.8's
 * {@code WampCraServerProtocol} does, so that AutobahnJS 0.8's {@code authreq},
 * {@code authsign}, {@code deriveKey} and {@code auth} work unchanged:
 * <ul>
 * <li>{@code authreq(authKey, extra)} answers a string, the JSON text of
 * {@code {authid, authkey, timestamp, sessionid, extra, permissions}} plus
 * {@code authextra} ({@code {salt, iterations, keylen}}) for a salted secret;
 * {@code authid} is fresh for each request;</li>
 * <li>{@code auth(signature)} compares the signature, in constant time, with base64
 * HMAC-SHA256(key, challenge text exactly as sent); one try per challenge: a match
 * answers the permissions object, a mismatch drops the challenge and answers
 * {@code invalid-signature} after a random, exponentially distributed delay (scheduled,
 * no thread waits);</li>
 * <li>failures (wrong signatures, unknown auth keys) are counted per session: at the
 * limit the session is locked, and the WAMP server closes it after the answer;</li>
 * <li>with a {@link WampCraThrottle}, failures are also limited across sessions, per auth
 * key and per remote address: an attempt for a key or from an address held back is
 * answered {@value WampCra#ERROR_TOO_MANY_FAILURES} without looking at it (and counts as
 * a failure of the session).</li>
 * </ul>
 * Nothing secret (key, signature, challenge) is logged; auth keys are logged shortened.
 * Refusals are logged within the bounds of {@link WampAuthMetrics}' refusal log.
 * {@link CraChallenges} writes the challenges, {@link CraTimers} holds the delayed answers
 * and the authentication timeouts, {@link CraRefusals} refuses.
 *
 * @author PubSubClub
 */
public class WampCraAuthenticator implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(WampCraAuthenticator.class);

	private final WampCraCredentials credentials;

	private final JsonMapper jsonMapper;

	private final WampAuthMetrics metrics;

	private final CraRefusals refusals;

	private final CraChallenges challenges;

	private final CraTimers timers;

	private int maxAuthKeyLength = 256;

	/**
	 * Create an authenticator with a scheduler of its own (one daemon thread, closed by
	 * {@link #close()}) for delayed answers and timeouts.
	 * @param credentials where credentials come from
	 * @param jsonMapper writes the challenge
	 * @param metrics where outcomes are counted
	 */
	public WampCraAuthenticator(WampCraCredentials credentials, JsonMapper jsonMapper, WampAuthMetrics metrics) {
		this(credentials, jsonMapper, metrics, CraTimers.newScheduler(), true);
	}

	/**
	 * Create an authenticator that schedules delayed answers and timeouts on a scheduler
	 * of the caller's, which runs nothing but short, non-blocking tasks from here.
	 * @param credentials where credentials come from
	 * @param jsonMapper writes the challenge
	 * @param metrics where outcomes are counted
	 * @param scheduler the scheduler
	 */
	public WampCraAuthenticator(WampCraCredentials credentials, JsonMapper jsonMapper, WampAuthMetrics metrics,
			ScheduledExecutorService scheduler) {
		this(credentials, jsonMapper, metrics, scheduler, false);
	}

	private WampCraAuthenticator(WampCraCredentials credentials, JsonMapper jsonMapper, WampAuthMetrics metrics,
			ScheduledExecutorService scheduler, boolean ownScheduler) {
		this.credentials = credentials;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.refusals = new CraRefusals(logger, metrics);
		SecureRandom random = new SecureRandom();
		this.challenges = new CraChallenges(random, jsonMapper);
		this.timers = new CraTimers(scheduler, ownScheduler, random, metrics);
	}

	/**
	 * Set the mean of the random delay before a wrong signature is answered (Autobahn:
	 * 0.8 s, exponentially distributed); the delay is at most four times the mean.
	 * @param failureDelay the mean delay, zero for none
	 */
	public void setFailureDelay(Duration failureDelay) {
		Assert.isTrue(!failureDelay.isNegative(), "Failure delay must not be negative");
		this.timers.setFailureDelay(failureDelay);
	}

	/**
	 * Set how many failed attempts (wrong signatures, unknown auth keys) lock a session;
	 * the WAMP server closes it after answering the last one.
	 * @param maxFailures the limit, at least 1
	 */
	public void setMaxFailures(int maxFailures) {
		Assert.isTrue(maxFailures > 0, "Max failures must be positive");
		this.refusals.setMaxFailures(maxFailures);
	}

	/**
	 * Set the longest auth key accepted, in characters; a longer one is answered with
	 * {@code invalid-argument}.
	 * @param maxAuthKeyLength the limit
	 */
	public void setMaxAuthKeyLength(int maxAuthKeyLength) {
		Assert.isTrue(maxAuthKeyLength > 0, "Max auth key length must be positive");
		this.maxAuthKeyLength = maxAuthKeyLength;
	}

	/**
	 * Set the throttle that limits failures across sessions, per auth key and per remote
	 * address.
	 * @param throttle the throttle, {@code null} for none (failures limited per session
	 * only)
	 */
	public void setThrottle(@Nullable WampCraThrottle throttle) {
		this.refusals.setThrottle(throttle);
	}

	/**
	 * Return the metrics.
	 * @return the counters of outcomes
	 */
	public WampAuthMetrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Serve {@code authreq}. Call it where a blocking credentials lookup may run: the
	 * call executor.
	 * @param session the calling session
	 * @param state the session's authentication state
	 * @param arguments the CALL arguments: {@code [authKey[, extra]]}
	 * @return a stage completing with the challenge text, or exceptionally with a
	 * {@link WampRpcException} of a {@link WampCra} error URI
	 */
	public CompletionStage<Object> authreq(WampSession session, WampAuthState state, List<JsonNode> arguments) {
		Phase busy = state.startRequest();
		if (busy != null) {
			return (busy == Phase.AUTHENTICATED) ? this.refusals.alreadyAuthenticated(session, state, "authreq")
					: this.refusals.refuse(session, state, Outcome.OUT_OF_ORDER,
							WampCra.ERROR_AUTHENTICATION_ALREADY_REQUESTED,
							"authentication request already issued - authentication pending", "authreq while "
									+ ((busy == Phase.LOCKED) ? "locked after failures" : "a request is pending"));
		}
		CompletableFuture<Object> answer = new CompletableFuture<>();
		try {
			String authKey = this.refusals.checkAuthreq(session, state, arguments, this.maxAuthKeyLength);
			JsonNode extraNode = (arguments.size() > 1) ? arguments.get(1) : null;
			JsonNode extra = CraArguments.truthy(extraNode) ? extraNode : this.jsonMapper.createObjectNode();
			WampRpcException held = this.refusals.heldBack(session, state, authKey, "authreq");
			if (held != null) {
				throw held;
			}
			@SuppressWarnings("unchecked")
			Map<String, Object> extraMap = this.jsonMapper.treeToValue(extra, Map.class);
			this.credentials.find(authKey, extraMap).whenComplete((credential, ex) -> {
				try {
					answer.complete(challenge(session, state, authKey, extra, credential, ex));
				}
				catch (RuntimeException failure) {
					state.requestFailed();
					answer.completeExceptionally(failure);
				}
			});
		}
		catch (RuntimeException ex) {
			state.requestFailed();
			answer.completeExceptionally(ex);
		}
		return answer;
	}

	private String challenge(WampSession session, WampAuthState state, String authKey, JsonNode extra,
			@Nullable WampCraCredential credential, @Nullable Throwable ex) {
		if (ex != null) {
			Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
			throw lookupFailed(session, "auth key " + CraArguments.shown(authKey), cause);
		}
		if (credential == null) {
			throw this.refusals.attemptFailed(session, state, null, Outcome.NO_SUCH_AUTHKEY,
					WampCra.ERROR_NO_SUCH_AUTHKEY,
					"authentication key '" + CraArguments.shown(authKey) + "' does not exist.",
					"unknown auth key " + CraArguments.shown(authKey));
		}
		String challenge = this.challenges.v1(session, authKey, extra, credential);
		if (CraArguments.unpairedSurrogate(challenge)) {
			// UTF-8 cannot carry it: the client would sign other bytes than the server
			throw this.refusals.invalid(session, state, "extra holds an unpaired surrogate");
		}
		state.challenged(CraChallenges.pending(authKey, challenge, credential));
		this.metrics.count(Outcome.CHALLENGED);
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP session " + session.getId() + ": challenge sent for auth key " + CraArguments.shown(authKey));
		}
		return challenge;
	}

	/**
	 * Serve {@code auth}.
	 * @param session the calling session
	 * @param state the session's authentication state
	 * @param arguments the CALL arguments: {@code [signature]}
	 * @return a stage completing with the permissions object, or exceptionally with a
	 * {@link WampRpcException} of a {@link WampCra} error URI; a wrong signature's comes
	 * after the random delay. When {@link WampAuthState#isLocked()} is true after it, the
	 * caller closes the session.
	 */
	public CompletionStage<Object> auth(WampSession session, WampAuthState state, List<JsonNode> arguments) {
		Phase phase = state.phase();
		if (phase == Phase.AUTHENTICATED) {
			return this.refusals.alreadyAuthenticated(session, state, "auth");
		}
		if (phase != Phase.CHALLENGED) {
			return this.refusals.refuse(session, state, Outcome.OUT_OF_ORDER,
					WampCra.ERROR_NO_AUTHENTICATION_REQUESTED,
					"no authentication previously requested", "auth without a pending challenge");
		}
		if (arguments.size() > 1) {
			return CompletableFuture
				.failedFuture(this.refusals.invalid(session, state,
						"auth takes at most 1 argument (was " + arguments.size() + ")"));
		}
		JsonNode signatureNode = arguments.isEmpty() ? null : arguments.get(0);
		if (signatureNode != null && !signatureNode.isNull() && !signatureNode.isString()) {
			return CompletableFuture
				.failedFuture(this.refusals.invalid(session, state,
						"signature must be a string or None (was " + CraArguments.kind(signatureNode) + ")"));
		}
		Pending pending = state.takePending();
		if (pending == null) {
			return this.refusals.refuse(session, state, Outcome.OUT_OF_ORDER,
					WampCra.ERROR_NO_AUTHENTICATION_REQUESTED,
					"no authentication previously requested", "auth without a pending challenge");
		}
		WampRpcException held = this.refusals.heldBack(session, state, pending.authKey(), "auth");
		if (held != null) {
			return CompletableFuture.failedFuture(held);
		}
		String signature = (signatureNode != null && signatureNode.isString()) ? signatureNode.stringValue() : "";
		if (!WampCraCrypto.matches(pending.expectedSignature(), signature)) {
			WampRpcException failure = this.refusals.attemptFailed(session, state, pending.authKey(),
					Outcome.INVALID_SIGNATURE, WampCra.ERROR_INVALID_SIGNATURE,
					"signature for authentication request is invalid",
					"invalid signature for auth key " + CraArguments.shown(pending.authKey()));
			return this.timers.delayed(failure);
		}
		authenticated(session, state, pending);
		return CompletableFuture.completedFuture(pending.permissions().toMap());
	}

	/**
	 * Run a task unless the session authenticates within the timeout.
	 * @param session the session
	 * @param state the session's authentication state
	 * @param timeout how long the session has
	 * @param onTimeout what to do then (short and non-blocking: it runs on the
	 * scheduler), typically hand the close to an executor
	 */
	public void startTimeout(WampSession session, WampAuthState state, Duration timeout, Runnable onTimeout) {
		this.timers.startTimeout(session, state, timeout, onTimeout);
	}

	@Override
	public void close() {
		this.timers.close();
	}

	long delayMillis() {
		return this.timers.delayMillis();
	}

	/**
	 * WAMP v2's WAMP-CRA, first step: look up the auth key (the HELLO's authid) and make
	 * the CHALLENGE's Extra: {@code challenge}, the JSON text of {@code {authid, authrole,
	 * authmethod, authprovider, nonce, timestamp, session}}, and {@code salt},
	 * {@code iterations}, {@code keylen} for a salted secret. The same credentials and
	 * permissions as v1; the same counting of outcomes and failures.
	 * @param session the session
	 * @param state the session's authentication state
	 * @param authid the auth key the client named
	 * @param authrole the role to name in the challenge
	 * @param sessionId the v2 session id
	 * @return a stage completing with the Extra, or exceptionally with a
	 * {@link WampRpcException} (unknown auth key, lookup failure)
	 */
	public CompletionStage<Map<String, Object>> challengeV2(WampSession session, WampAuthState state, String authid,
			String authrole, long sessionId) {
		if (authid.length() > this.maxAuthKeyLength || CraArguments.unpairedSurrogate(authid)) {
			return CompletableFuture.failedFuture(this.refusals.invalid(session, state, "authid longer than " + this.maxAuthKeyLength
					+ " characters or holding an unpaired surrogate"));
		}
		Phase busy = state.startRequest();
		if (busy != null) {
			return CompletableFuture.failedFuture(this.refusals.failure(session, state, Outcome.OUT_OF_ORDER,
					WampCra.ERROR_AUTHENTICATION_ALREADY_REQUESTED, "authentication already requested",
					"HELLO with wampcra while " + busy));
		}
		WampRpcException held = this.refusals.heldBack(session, state, authid, "HELLO");
		if (held != null) {
			state.requestFailed();
			return CompletableFuture.failedFuture(held);
		}
		return this.credentials.find(authid, Map.of()).handle((credential, ex) -> {
			if (credential == null || ex != null) {
				state.requestFailed();
			}
			if (ex != null) {
				throw lookupFailed(session, "authid " + CraArguments.shown(authid), ex);
			}
			if (credential == null) {
				this.refusals.failed(null, state);
				state.failed(this.refusals.maxFailures());
				throw this.refusals.failure(session, state, Outcome.NO_SUCH_AUTHKEY, WampCra.ERROR_NO_SUCH_AUTHKEY, "no such authid",
						"unknown authid " + CraArguments.shown(authid));
			}
			String challenge = this.challenges.v2(authid, authrole, sessionId);
			state.challenged(CraChallenges.pending(authid, challenge, credential));
			this.metrics.count(Outcome.CHALLENGED);
			return CraChallenges.v2Extra(challenge, credential);
		});
	}

	/**
	 * WAMP v2's WAMP-CRA, second step: check the AUTHENTICATE signature against the
	 * challenge sent, in constant time; one try.
	 * @param session the session
	 * @param state the session's authentication state
	 * @param signature the signature the client sent
	 * @return the authentication, or {@code null} when the signature is wrong or no
	 * challenge is pending (counted and logged)
	 */
	public @Nullable WampCraAuthentication authenticateV2(WampSession session, WampAuthState state, String signature) {
		Pending pending = state.takePending();
		if (pending == null) {
			this.metrics.count(Outcome.OUT_OF_ORDER);
			logger.info("WAMP session " + session.getId() + ": AUTHENTICATE without a pending challenge");
			return null;
		}
		if (!WampCraCrypto.matches(pending.expectedSignature(), signature)) {
			this.refusals.attemptFailed(session, state, pending.authKey(), Outcome.INVALID_SIGNATURE,
					WampCra.ERROR_INVALID_SIGNATURE, "invalid signature",
					"invalid signature for authid " + CraArguments.shown(pending.authKey()));
			return null;
		}
		return authenticated(session, state, pending);
	}

	private WampCraAuthentication authenticated(WampSession session, WampAuthState state, Pending pending) {
		WampCraAuthentication authentication = new WampCraAuthentication(pending.authKey(), pending.permissions());
		state.authenticated(authentication);
		state.cancelTimeout();
		this.metrics.count(Outcome.AUTHENTICATED);
		logger.info("WAMP session " + session.getId() + ": authenticated as " + CraArguments.shown(pending.authKey()));
		return authentication;
	}

	private WampRpcException lookupFailed(WampSession session, String key, Throwable cause) {
		this.metrics.count(Outcome.CREDENTIALS_ERROR);
		logger.warn("WAMP session " + session.getId() + ": credentials lookup for " + key + " failed", cause);
		return new WampRpcException(WampCra.ERROR_AUTH_PERMISSIONS_ERROR, "permissions lookup failed");
	}

}
