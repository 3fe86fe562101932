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

	WampCallInvoker(WampServer server, WampProcedureRegistry procedures, Executor executor) {
		this.procedures = procedures;
		this.access = server.accessRules();
		this.executor = executor;
		this.jsonMapper = server.jsonMapper();
		this.metrics = server.getMetrics();
	}

	void setIncludeStackTrace(boolean includeStackTrace) {
		this.includeStackTrace = includeStackTrace;
	}

	void call(WampServerSession session, String callId, String uri, List<JsonNode> arguments) {
		WampProcedureMethod procedure = this.procedures.find(uri);
		if (procedure == null || !this.access.mayCall(session, uri)) {
			callError(session, callId, WampWebSocketHandler.ERROR_NO_SUCH_RPC_ENDPOINT,
					"No RPC endpoint registered for " + uri + ".", null);
			return;
		}
		try {
			this.executor.execute(() -> invoke(session, callId, uri, procedure, arguments));
		}
		catch (RejectedExecutionException ex) {
			logger.warn("WAMP session " + session.getId() + ": CALL " + uri + " rejected by the executor");
			callError(session, callId, WampWebSocketHandler.ERROR_GENERIC, "Server busy.", null);
		}
	}

	private void invoke(WampServerSession session, String callId, String uri, WampProcedureMethod procedure,
			List<JsonNode> arguments) {
		Object result;
		try {
			result = procedure.invoke(session, arguments, this.jsonMapper);
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

	private void failed(WampServerSession session, String callId, String uri, Throwable ex) {
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
