package io.pubsubclub.wamp;

import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampServerMetrics.Limit;
import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampCallInterceptor;
import io.pubsubclub.wamp.auth.WampCra;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import org.springframework.web.socket.CloseStatus;

/**
 * Runs the procedures that CALLs name on the call executor and answers each CALL once,
 * with a CALLRESULT or a CALLERROR. A session's calls start one after another, in order
 * ({@link CallQueue}); a session may have only so many outstanding, the excess being
 * answered {@link WampWebSocketHandler#ERROR_BUSY busy}; a call still unanswered at the
 * call timeout is answered {@link WampWebSocketHandler#ERROR_TIMEOUT} (a procedure still
 * running is interrupted, a stage left to complete unheard).
 * <p>
 * CALLERROR descriptions of failures that are not {@link WampRpcException}s say only
 * that the procedure failed: exception messages and class names can leak internals, and
 * go only to the log, or with {@code include-stack-trace} to the client.
 * <p>
 * WAMP-CRA's two procedures, when there is an {@link WampCraAuthenticator}, are calls like
 * the others (queued, limited, timed out), whatever the authorizer says; every other CALL
 * is first put to the {@link WampAccessRules} (a refusal is answered
 * {@link WampWebSocketHandler#ERROR_NOT_AUTHORIZED}), and runs through the
 * {@link WampCallInterceptor}, if any (the caller's Spring Security context).
 *
 * @author PubSubClub
 */
final class WampCallInvoker {

	private static final Log logger = LogFactory.getLog(WampCallInvoker.class);

	private static final Duration LOCKED_CLOSE_GRACE = Duration.ofMillis(500);

	private final WampServer server;

	private final WampProcedureRegistry procedures;

	private final WampAccessRules access;

	private final Executor executor;

	private final JsonMapper jsonMapper;

	private final JsonMapper argumentMapper;

	private final WampServerMetrics metrics;

	private volatile boolean includeStackTrace;

	private volatile int maxCallsPerSession = 16;

	private volatile @Nullable Duration callTimeout;

	private volatile @Nullable WampCraAuthenticator authenticator;

	private volatile @Nullable WampCallInterceptor interceptor;

	private volatile java.util.function.BiConsumer<WampServerSession, CloseStatus> closer = (session, status) -> {
	};

	WampCallInvoker(WampServer server, WampProcedureRegistry procedures, Executor executor) {
		this.server = server;
		this.procedures = procedures;
		this.access = server.accessRules();
		this.executor = executor;
		this.jsonMapper = server.jsonMapper();
		this.argumentMapper = WampProcedureMethod.strict(this.jsonMapper);
		this.metrics = server.getMetrics();
	}

	void setIncludeStackTrace(boolean includeStackTrace) {
		this.includeStackTrace = includeStackTrace;
	}

	void setMaxCallsPerSession(int maxCallsPerSession) {
		this.maxCallsPerSession = maxCallsPerSession;
	}

	void setCallTimeout(@Nullable Duration callTimeout) {
		this.callTimeout = callTimeout;
	}

	void setAuthenticator(@Nullable WampCraAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	void setInterceptor(@Nullable WampCallInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	/**
	 * Set how a session is closed; it must not block (it is called from the call
	 * executor and the authenticator's scheduler).
	 */
	void setCloser(java.util.function.BiConsumer<WampServerSession, CloseStatus> closer) {
		this.closer = closer;
	}

	void call(WampServerSession session, String callId, String uri, List<JsonNode> arguments) {
		call(session, callId, uri, arguments, null, null);
	}

	/**
	 * Take a CALL of either version.
	 * @param keywords a v2 CALL's ArgumentsKw, bound to parameters by name
	 * @param frames how to answer a v2 CALL, {@code null} for v1
	 */
	void call(WampServerSession session, String callId, String uri, List<JsonNode> arguments,
			@Nullable JsonNode keywords, @Nullable CallFrames frames) {
		Call call;
		WampCraAuthenticator authenticator = this.authenticator;
		if (authenticator != null && (WampCra.PROCEDURE_AUTHREQ.equals(uri) || WampCra.PROCEDURE_AUTH.equals(uri))) {
			// on the executor: a credentials lookup may block
			Invocation invocation = WampCra.PROCEDURE_AUTHREQ.equals(uri)
					? () -> authenticator.authreq(session, session.authState(), arguments)
					: () -> authenticator.auth(session, session.authState(), arguments);
			call = new Call(session, callId, uri, invocation, true, frames);
		}
		else {
			if (!this.access.mayCall(session, uri)) {
				callError(session, callId, WampWebSocketHandler.ERROR_NOT_AUTHORIZED,
						"Not authorized to call " + uri + ".", null, frames);
				return;
			}
			WampProcedureMethod procedure = this.procedures.find(uri);
			if (procedure == null) {
				callError(session, callId, WampWebSocketHandler.ERROR_NO_SUCH_RPC_ENDPOINT,
						"No RPC endpoint registered for " + uri + ".", null, frames);
				return;
			}
			call = new Call(session, callId, uri, invocation(session, procedure, arguments, keywords), false,
					frames);
		}
		int limit = this.maxCallsPerSession;
		switch (session.calls().admit(call, limit)) {
			case START -> start(call);
			case QUEUED -> {
			}
			case BUSY -> {
				this.server.limits().refuse(session, Limit.CALLS_PER_SESSION, "CALL " + uri + " refused, " + limit
						+ " calls outstanding");
				callError(session, callId, WampWebSocketHandler.ERROR_BUSY,
						"Too many calls outstanding: at most " + limit + ".", null, frames);
			}
			case CLOSED -> this.metrics.callsDropped(1);
		}
	}

	private void start(Call call) {
		try {
			this.executor.execute(() -> run(call));
		}
		catch (RejectedExecutionException ex) {
			this.metrics.callRejected();
			logger.warn("WAMP session " + call.session.getId() + ": CALL " + call.uri
					+ " rejected, the call executor is full");
			answer(call, errorFrame(call, WampWebSocketHandler.ERROR_BUSY, "Server busy.", null));
			turnEnded(call.session);
		}
	}

	private void turnEnded(WampServerSession session) {
		Call next = session.calls().next();
		if (next != null) {
			start(next);
		}
	}

	private void run(Call call) {
		WampServerSession session = call.session;
		if (session.isClosed()) {
			this.metrics.callsDropped(1);
			session.calls().finished();
			turnEnded(session);
			return;
		}
		Duration timeout = this.callTimeout;
		if (timeout != null) {
			call.timeout = this.server.timer()
				.schedule(() -> timedOut(call, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		Object result;
		boolean failed = true;
		call.running(Thread.currentThread());
		try {
			result = call.invocation.invoke();
			failed = false;
		}
		catch (InvocationTargetException ex) {
			result = null;
			failed(call, ex.getTargetException());
		}
		catch (WampProcedureMethod.InvalidArgumentsException ex) {
			result = null;
			String why = ex.getMessage();
			this.metrics.refusalLog()
				.log(logger, session.refusalLines(), () -> "WAMP session " + session.getId() + ": " + why);
			answer(call, errorFrame(call, WampWebSocketHandler.ERROR_INVALID_ARGUMENT, ex.getMessage(), null));
		}
		catch (Throwable ex) {
			result = null;
			failed(call, ex);
		}
		finally {
			call.returned();
		}
		if (!failed) {
			if (result instanceof CompletionStage<?> stage) {
				stage.whenComplete((value, ex) -> {
					if (ex != null) {
						failed(call, (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex);
					}
					else {
						callResult(call, value);
					}
				});
			}
			else {
				callResult(call, result);
			}
		}
		turnEnded(session);
	}

	private Invocation invocation(WampServerSession session, WampProcedureMethod procedure, List<JsonNode> arguments,
			@Nullable JsonNode keywords) {
		WampCallInterceptor interceptor = this.interceptor;
		Invocation invocation = (keywords == null || keywords.isEmpty())
				? () -> procedure.invoke(session, arguments, this.argumentMapper)
				: () -> procedure.invoke(session, procedure.withKeywords(arguments, keywords), this.argumentMapper);
		if (interceptor == null) {
			return invocation;
		}
		return () -> interceptor.invoke(session, invocation::invoke);
	}

	private void timedOut(Call call, Duration timeout) {
		if (!call.answered.compareAndSet(false, true)) {
			return;
		}
		this.metrics.callTimedOut();
		this.metrics.callError();
		logger.info("WAMP session " + call.session.getId() + ": CALL " + call.uri + " timed out after " + timeout);
		call.session.calls().finished();
		call.session.send(errorFrame(call, WampWebSocketHandler.ERROR_TIMEOUT, "Call timed out after " + timeout + ".",
				null));
		call.interrupt();
	}

	private void answer(Call call, String frame) {
		if (call.answered.compareAndSet(false, true)) {
			ScheduledFuture<?> timeout = call.timeout;
			if (timeout != null) {
				timeout.cancel(false);
			}
			call.session.calls().finished();
			call.session.send(frame);
		}
	}

	private void callResult(Call call, @Nullable Object result) {
		if (call.answered.get()) {
			return;
		}
		String frame;
		try {
			CallFrames frames = call.frames;
			frame = (frames != null) ? frames.result(result, this.jsonMapper)
					: this.jsonMapper.writeValueAsString(Arrays.asList(3, call.callId, result));
		}
		catch (JacksonException ex) {
			failed(call, ex);
			return;
		}
		if (call.cra && WampCra.PROCEDURE_AUTH.equals(call.uri)) {
			// before the answer: once the client has it, no event of a topic it may not
			// hold reaches it
			this.server.recheckSubscriptions(call.session);
		}
		// a callId or result may hold an unpaired surrogate, which UTF-8 cannot carry
		answer(call, LoneSurrogates.escape(frame));
	}

	private void failed(Call call, Throwable failure) {
		Throwable ex = failure;
		WampCallInterceptor interceptor = this.interceptor;
		WampRpcException translated = (interceptor != null && !call.cra)
				? interceptor.translate(call.session, call.uri, failure) : null;
		if (translated != null) {
			this.server.getAuthMetrics().count(WampAuthMetrics.Outcome.CALL_REFUSED);
			ex = translated;
		}
		if (call.answered.get()) {
			if (logger.isDebugEnabled()) {
				logger.debug("WAMP session " + call.session.getId() + ": procedure " + call.uri
						+ " failed after its CALL was answered", ex);
			}
			return;
		}
		WampServerSession session = call.session;
		if (ex instanceof WampRpcException rpc) {
			if (logger.isDebugEnabled()) {
				logger.debug("WAMP session " + session.getId() + ": procedure " + call.uri + " answered "
						+ rpc.getErrorUri());
			}
			Object details = rpc.getDetails();
			// read before the answer: once the client has it, its next attempt may lock the
			// session on another thread, and this (earlier) attempt would then close and
			// count the lock a second time
			boolean locked = call.cra && session.authState().isLocked();
			answer(call, errorFrame(call, rpc.getErrorUri(), String.valueOf(rpc.getMessage()),
					(details == null && this.includeStackTrace && !call.cra) ? stackTrace(ex) : details));
			if (locked) {
				closeLocked(session);
			}
			return;
		}
		logger.warn("WAMP session " + session.getId() + ": procedure " + call.uri + " failed", ex);
		String desc = !this.includeStackTrace ? "Procedure " + call.uri + " failed."
				: (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
		answer(call, errorFrame(call, WampWebSocketHandler.ERROR_GENERIC, desc,
				this.includeStackTrace ? stackTrace(ex) : null));
	}

	private void closeLocked(WampServerSession session) {
		this.server.getAuthMetrics().count(WampAuthMetrics.Outcome.TOO_MANY_FAILURES);
		// a grace period for the last answer: closed at once, it was seen (rarely, under
		// load) not to reach the client before the close
		Runnable close = () -> this.closer.accept(session,
				CloseStatus.POLICY_VIOLATION.withReason("too many failed authentication attempts"));
		try {
			this.server.timer().schedule(close, LOCKED_CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			close.run();
		}
	}

	private static List<String> stackTrace(Throwable ex) {
		List<String> lines = new ArrayList<>();
		for (Throwable t = ex; t != null; t = t.getCause()) {
			lines.add(((t == ex) ? "" : "Caused by: ") + t);
			for (StackTraceElement element : t.getStackTrace()) {
				lines.add("\tat " + element);
			}
			if (t.getCause() == t) {
				break;
			}
		}
		return lines;
	}

	/**
	 * Answer a CALL that never reached the call queue.
	 */
	void callError(WampServerSession session, String callId, String errorUri, String errorDesc,
			@Nullable Object details) {
		callError(session, callId, errorUri, errorDesc, details, null);
	}

	private void callError(WampServerSession session, String callId, String errorUri, String errorDesc,
			@Nullable Object details, @Nullable CallFrames frames) {
		session.send(errorFrame(session, callId, errorUri, errorDesc, details, frames));
	}

	private String errorFrame(Call call, String errorUri, String errorDesc, @Nullable Object details) {
		return errorFrame(call.session, call.callId, errorUri, errorDesc, details, call.frames);
	}

	private String errorFrame(WampServerSession session, String callId, String errorUri, String errorDesc,
			@Nullable Object details, @Nullable CallFrames frames) {
		this.metrics.callError();
		if (frames != null) {
			try {
				return LoneSurrogates.escape(frames.error(errorUri, errorDesc, details, this.jsonMapper));
			}
			catch (JacksonException ex) {
				logger.warn("WAMP session " + session.getId() + ": ERROR details cannot be written", ex);
				return LoneSurrogates.escape(frames.error(errorUri, errorDesc, null, this.jsonMapper));
			}
		}
		List<@Nullable Object> frame = new ArrayList<>(Arrays.asList(4, callId, errorUri, errorDesc));
		if (details != null) {
			frame.add(details);
		}
		String text;
		try {
			text = this.jsonMapper.writeValueAsString(frame);
		}
		catch (JacksonException ex) {
			logger.warn("WAMP session " + session.getId() + ": CALLERROR details cannot be written", ex);
			text = this.jsonMapper.writeValueAsString(Arrays.asList(4, callId, errorUri, errorDesc));
		}
		return LoneSurrogates.escape(text);
	}

	/**
	 * One CALL, from its arrival to its one answer.
	 */
	static final class Call {

		final WampServerSession session;

		final String callId;

		final String uri;

		final Invocation invocation;

		// one of WAMP-CRA's procedures
		final boolean cra;

		final AtomicBoolean answered = new AtomicBoolean();

		volatile @Nullable ScheduledFuture<?> timeout;

		// the thread running the procedure, guarded by this: interrupted only while it
		// runs this call, never once it has gone on to other work
		private @Nullable Thread runner;

		private boolean interrupted;

		// how to answer a v2 CALL; null for v1
		final @Nullable CallFrames frames;

		Call(WampServerSession session, String callId, String uri, Invocation invocation, boolean cra,
				@Nullable CallFrames frames) {
			this.frames = frames;
			this.session = session;
			this.callId = callId;
			this.uri = uri;
			this.invocation = invocation;
			this.cra = cra;
		}

		synchronized void running(Thread thread) {
			this.runner = thread;
		}

		void returned() {
			boolean clear;
			synchronized (this) {
				this.runner = null;
				clear = this.interrupted;
			}
			if (clear) {
				Thread.interrupted();
			}
		}

		synchronized void interrupt() {
			if (this.runner != null) {
				this.interrupted = true;
				this.runner.interrupt();
			}
		}

	}

	/**
	 * How a CALL of another version than v1 is answered.
	 */
	interface CallFrames {

		/** The answer to a call that returned {@code result}. */
		String result(@Nullable Object result, JsonMapper jsonMapper);

		/** The answer to a call that failed, in v1 terms. */
		String error(String errorUri, String errorDesc, @Nullable Object details, JsonMapper jsonMapper);

	}

	/**
	 * What a call runs: a procedure, through the interceptor, or a WAMP-CRA step.
	 */
	@FunctionalInterface
	interface Invocation {

		@Nullable Object invoke() throws Exception;

	}

}
