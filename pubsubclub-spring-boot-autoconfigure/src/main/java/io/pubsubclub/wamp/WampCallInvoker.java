package io.pubsubclub.wamp;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampCallInterceptor;
import io.pubsubclub.wamp.auth.WampCra;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import org.springframework.web.socket.CloseStatus;

/**
 * Runs the procedures that CALLs name and answers each CALL with one CALLRESULT or
 * CALLERROR.
 *
 * @author PubSubClub
 */
final class WampCallInvoker {

	private static final Log logger = LogFactory.getLog(WampCallInvoker.class);

	private final WampProcedureRegistry procedures;

	private final WampAccessRules access;

	private final Executor executor;

	private final JsonMapper jsonMapper;

	private final WampServerMetrics metrics;

	private volatile boolean includeStackTrace;

	private final WampServer server;

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
		this.metrics = server.getMetrics();
	}

	void setIncludeStackTrace(boolean includeStackTrace) {
		this.includeStackTrace = includeStackTrace;
	}

	void setAuthenticator(@Nullable WampCraAuthenticator authenticator) {
		this.authenticator = authenticator;
	}

	void setInterceptor(@Nullable WampCallInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	/**
	 * Set how a session is closed (blocking: called on the executor).
	 */
	void setCloser(java.util.function.BiConsumer<WampServerSession, CloseStatus> closer) {
		this.closer = closer;
	}

	void call(WampServerSession session, String callId, String uri, List<JsonNode> arguments) {
		WampCraAuthenticator authenticator = this.authenticator;
		if (authenticator != null && (WampCra.PROCEDURE_AUTHREQ.equals(uri) || WampCra.PROCEDURE_AUTH.equals(uri))) {
			execute(session, callId, uri, () -> cra(authenticator, session, callId, uri, arguments));
			return;
		}
		if (!this.access.mayCall(session, uri)) {
			callError(session, callId, WampWebSocketHandler.ERROR_NOT_AUTHORIZED, "not authorized to call " + uri,
					null);
			return;
		}
		WampProcedureMethod procedure = this.procedures.find(uri);
		if (procedure == null) {
			callError(session, callId, WampWebSocketHandler.ERROR_NO_SUCH_RPC_ENDPOINT,
					"No RPC endpoint registered for " + uri + ".", null);
			return;
		}
		execute(session, callId, uri, () -> invoke(session, callId, uri, procedure, arguments));
	}

	private void execute(WampServerSession session, String callId, String uri, Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			logger.warn("WAMP session " + session.getId() + ": CALL " + uri + " rejected by the executor");
			callError(session, callId, WampWebSocketHandler.ERROR_GENERIC, "Server busy.", null);
		}
	}

	/**
	 * One of WAMP-CRA's procedures, on the executor: the credentials lookup may block.
	 */
	private void cra(WampCraAuthenticator authenticator, WampServerSession session, String callId, String uri,
			List<JsonNode> arguments) {
		boolean authreq = WampCra.PROCEDURE_AUTHREQ.equals(uri);
		CompletionStage<Object> answer;
		try {
			answer = authreq ? authenticator.authreq(session, session.authState(), arguments)
					: authenticator.auth(session, session.authState(), arguments);
		}
		catch (RuntimeException ex) {
			failed(session, callId, uri, ex);
			return;
		}
		answer.whenComplete((value, ex) -> {
			if (ex != null) {
				failed(session, callId, uri, (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex);
				if (session.authState().isLocked()) {
					closeLocked(session);
				}
				return;
			}
			if (!authreq) {
				// before the answer: once the client has it, no event of a topic it may
				// not hold reaches it
				this.server.recheckSubscriptions(session);
			}
			callResult(session, callId, uri, value);
		});
	}

	private void closeLocked(WampServerSession session) {
		this.server.getAuthMetrics().count(WampAuthMetrics.Outcome.TOO_MANY_FAILURES);
		// the answer may come on the authenticator's scheduler: the close blocks
		try {
			this.executor.execute(() -> this.closer.accept(session,
					CloseStatus.POLICY_VIOLATION.withReason("too many failed authentication attempts")));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("WAMP session " + session.getId() + ": close after failures not run, shutting down");
		}
	}

	private void invoke(WampServerSession session, String callId, String uri, WampProcedureMethod procedure,
			List<JsonNode> arguments) {
		Object result;
		WampCallInterceptor interceptor = this.interceptor;
		try {
			result = (interceptor != null)
					? interceptor.invoke(session, () -> procedure.invoke(session, arguments, this.jsonMapper))
					: procedure.invoke(session, arguments, this.jsonMapper);
		}
		catch (InvocationTargetException ex) {
			failed(session, callId, uri, ex.getTargetException());
			return;
		}
		catch (WampProcedureMethod.InvalidArgumentsException ex) {
			logger.info("WAMP session " + session.getId() + ": " + ex.getMessage());
			callError(session, callId, WampWebSocketHandler.ERROR_INVALID_ARGUMENT, ex.getMessage(), null);
			return;
		}
		catch (Throwable ex) {
			failed(session, callId, uri, ex);
			return;
		}
		if (result instanceof CompletionStage<?> stage) {
			stage.whenComplete((value, ex) -> {
				if (ex != null) {
					failed(session, callId, uri,
							(ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex);
				}
				else {
					callResult(session, callId, uri, value);
				}
			});
			return;
		}
		callResult(session, callId, uri, result);
	}

	private void callResult(WampServerSession session, String callId, String uri, @Nullable Object result) {
		String frame;
		try {
			frame = this.jsonMapper.writeValueAsString(Arrays.asList(3, callId, result));
		}
		catch (JacksonException ex) {
			failed(session, callId, uri, ex);
			return;
		}
		// a callId or result may hold an unpaired surrogate, which UTF-8 cannot carry
		session.send(LoneSurrogates.escape(frame));
	}

	private void failed(WampServerSession session, String callId, String uri, Throwable failure) {
		Throwable ex = failure;
		WampCallInterceptor interceptor = this.interceptor;
		WampRpcException translated = (interceptor != null) ? interceptor.translate(session, uri, failure) : null;
		if (translated != null) {
			this.server.getAuthMetrics().count(WampAuthMetrics.Outcome.CALL_REFUSED);
			ex = translated;
		}
		if (ex instanceof WampRpcException rpc) {
			if (logger.isDebugEnabled()) {
				logger.debug("WAMP session " + session.getId() + ": procedure " + uri + " answered " + rpc.getErrorUri());
			}
			Object details = rpc.getDetails();
			callError(session, callId, rpc.getErrorUri(), String.valueOf(rpc.getMessage()),
					(details == null && this.includeStackTrace) ? stackTrace(ex) : details);
			return;
		}
		logger.warn("WAMP session " + session.getId() + ": procedure " + uri + " failed", ex);
		String desc = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
		callError(session, callId, WampWebSocketHandler.ERROR_GENERIC, desc,
				this.includeStackTrace ? stackTrace(ex) : null);
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

	void callError(WampServerSession session, String callId, String errorUri, String errorDesc,
			@Nullable Object details) {
		this.metrics.callError();
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
		session.send(LoneSurrogates.escape(text));
	}

}
