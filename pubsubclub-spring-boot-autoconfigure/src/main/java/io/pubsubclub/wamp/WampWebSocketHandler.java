package io.pubsubclub.wamp;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.concurrent.RejectedExecutionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * The WAMP v1 WebSocket handler: selects the {@code wamp} subprotocol, sends WELCOME and
 * serves PREFIX, CALL, SUBSCRIBE, UNSUBSCRIBE and PUBLISH. The messages of one session are
 * handled in the order they arrive; CALLs run on the task executor, so that a slow
 * procedure does not hold up the session's other messages and results may come in any
 * order.
 * <p>
 * Bad input follows Autobahn, and never affects another session. Each case is logged
 * with the session id and counted in {@link WampServerMetrics}:
 * <ul>
 * <li>a message longer than the maximum message size: the session is closed with 1009;</li>
 * <li>a binary frame: the session is closed with 1003;</li>
 * <li>text that is not JSON, JSON that is not an array with an integer type first, or an
 * unknown type (including the types only a server sends): logged and ignored, the session
 * stays open;</li>
 * <li>PREFIX, SUBSCRIBE, UNSUBSCRIBE or PUBLISH with the wrong number of elements or a
 * non-string prefix, URI or topic: logged and ignored;</li>
 * <li>a PUBLISH exclude/eligible option that is neither a boolean nor a list: the default
 * exclusion (the publisher) applies; non-string ids in a list are ignored;</li>
 * <li>a CALL whose callId or procUri is missing or not a string: the session is closed
 * with 1002 "protocol error: ...";</li>
 * <li>a CALL of an unknown procedure, or with arguments that do not fit the procedure:
 * CALLERROR {@code http://api.wamp.ws/error#NoSuchRPCEndpoint} or
 * {@code http://api.wamp.ws/error#invalid-argument}.</li>
 * </ul>
 * A SUBSCRIBE or PUBLISH refused by the topic access rules is not performed; WAMP v1 has
 * no reply for it, so the client is not told, but the server logs and counts it.
 *
 * @author PubSubClub
 */
public class WampWebSocketHandler implements WebSocketHandler, SubProtocolCapable {

	/**
	 * The WAMP v1 subprotocol.
	 */
	public static final String SUBPROTOCOL = "wamp";

	/**
	 * Error URI of a CALL of an unknown procedure.
	 */
	public static final String ERROR_NO_SUCH_RPC_ENDPOINT = "http://api.wamp.ws/error#NoSuchRPCEndpoint";

	/**
	 * Error URI of a failed procedure that gave no URI of its own.
	 */
	public static final String ERROR_GENERIC = "http://api.wamp.ws/error#generic";

	/**
	 * Error URI of a CALL whose arguments do not fit the procedure.
	 */
	public static final String ERROR_INVALID_ARGUMENT = "http://api.wamp.ws/error#invalid-argument";

	/**
	 * Characters of Tomcat's per-session text message buffer (4 KB of heap). WAMP client
	 * messages (SUBSCRIBE, CALL, most PUBLISHes) are far shorter; a longer one reaches
	 * {@link #textPart} in parts and costs one copy, against 12 KB saved on every session.
	 */
	static final int TOMCAT_TEXT_BUFFER_SIZE = 2048;

	private static final String TOMCAT_PACKAGE = "org.apache.tomcat.websocket.";

	private static final String SESSION_ATTRIBUTE = WampWebSocketHandler.class.getName() + ".session";

	private static final Log logger = LogFactory.getLog(WampWebSocketHandler.class);

	private final WampServer server;

	private final WampProcedureRegistry procedures;

	private final Executor executor;

	private final WampServerMetrics metrics;

	private final PublishReader publishReader;

	private String serverIdent = "PubSubClub";

	private int maxMessageSize = 64 * 1024;

	private long sendBufferSize = 512 * 1024;

	private Duration sendTimeLimit = Duration.ofSeconds(10);

	private boolean includeStackTrace;

	/**
	 * Create a handler.
	 * @param server the server state
	 * @param procedures the procedures clients may call
	 * @param executor where procedures run and slow sessions are closed
	 */
	public WampWebSocketHandler(WampServer server, WampProcedureRegistry procedures, Executor executor) {
		this.server = server;
		this.procedures = procedures;
		this.executor = executor;
		this.metrics = server.getMetrics();
		this.publishReader = new PublishReader(server.jsonMapper());
	}

	/**
	 * Set the server identity sent in WELCOME.
	 * @param serverIdent the server identity
	 */
	public void setServerIdent(String serverIdent) {
		this.serverIdent = serverIdent;
	}

	/**
	 * Set the largest incoming message accepted, in characters; a longer one closes the
	 * session with 1009.
	 * @param maxMessageSize the limit
	 */
	public void setMaxMessageSize(int maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Set how much outbound text, in characters, may wait for one session before it is
	 * closed as too slow (1013).
	 * @param sendBufferSize the limit
	 */
	public void setSendBufferSize(long sendBufferSize) {
		this.sendBufferSize = sendBufferSize;
	}

	/**
	 * Set the longest time one outbound message may take to be sent before the session
	 * is closed as too slow (1013).
	 * @param sendTimeLimit the limit
	 */
	public void setSendTimeLimit(Duration sendTimeLimit) {
		this.sendTimeLimit = sendTimeLimit;
	}

	/**
	 * Set whether CALLERROR details carry the stack trace of an exception that has no
	 * details of its own.
	 * @param includeStackTrace whether to include stack traces
	 */
	public void setIncludeStackTrace(boolean includeStackTrace) {
		this.includeStackTrace = includeStackTrace;
	}

	/**
	 * Return the largest incoming message accepted, in characters.
	 * @return the limit
	 */
	public int getMaxMessageSize() {
		return this.maxMessageSize;
	}

	@Override
	public List<String> getSubProtocols() {
		return List.of(SUBPROTOCOL);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocket) throws Exception {
		// no setTextMessageSizeLimit: Tomcat would give every session a text buffer of that
		// size; parts of longer messages are assembled in textPart instead
		smallTextBuffer(webSocket);
		WampServerSession session = this.server.open(webSocket);
		webSocket.getAttributes().put(SESSION_ATTRIBUTE, session);
		BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow = (ws, reason) -> slowSession(session, reason);
		session.outbound((webSocket instanceof FrameSenderSource source) ? source.frameSender(onOverflow)
				: new OutboundBuffer(webSocket, this.sendBufferSize, this.sendTimeLimit.toMillis(), this.executor,
						onOverflow));
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP session " + session.getId() + " opened from " + webSocket.getRemoteAddress());
		}
		session.send(this.server.jsonMapper()
			.writeValueAsString(List.of(WampMessageType.WELCOME.code(), session.getId(), 1, this.serverIdent)));
	}

	@Override
	public void handleMessage(WebSocketSession webSocket, WebSocketMessage<?> message) throws Exception {
		WampServerSession session = session(webSocket);
		if (session == null || session.isClosed()) {
			return;
		}
		if (message instanceof TextMessage text) {
			textPart(session, text);
		}
		else if (message instanceof BinaryMessage) {
			this.metrics.badFrame(BadFrame.BINARY);
			logger.info("WAMP session " + session.getId() + ": binary frame, closing with 1003");
			close(session, CloseStatus.NOT_ACCEPTABLE.withReason("binary frames are not supported"));
		}
	}

	@Override
	public void handleTransportError(WebSocketSession webSocket, Throwable exception) throws Exception {
		WampServerSession session = session(webSocket);
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP session " + ((session != null) ? session.getId() : webSocket.getId())
					+ ": transport error", exception);
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession webSocket, CloseStatus closeStatus) throws Exception {
		WampServerSession session = session(webSocket);
		if (session == null) {
			return;
		}
		if (closeStatus.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode() && session.countClose()) {
			// a container that enforces a size limit of its own refused the message
			this.metrics.badFrame(BadFrame.TOO_BIG);
			logger.info("WAMP session " + session.getId() + ": message over " + this.maxMessageSize
					+ " characters, closed with 1009");
		}
		this.server.close(session);
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP session " + session.getId() + " closed: " + closeStatus);
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	/**
	 * Give a Tomcat session a text message buffer of {@link #TOMCAT_TEXT_BUFFER_SIZE}
	 * characters instead of the container default (8 K characters, 16 KB of heap). Tomcat
	 * allocated the default when the session opened and replaces it when the next text
	 * message starts, so every session that sends anything keeps the small one. Only for
	 * Tomcat, where the size is a buffer (a longer message comes in parts): elsewhere, as
	 * in Jetty, it is a limit on the whole message. The binary buffer is left alone: Tomcat
	 * replaces it only when a binary message starts, which closes the session anyway.
	 */
	private static void smallTextBuffer(WebSocketSession webSocket) {
		jakarta.websocket.Session nativeSession = (webSocket instanceof NativeWebSocketSession nws)
				? nws.getNativeSession(jakarta.websocket.Session.class) : null;
		if (nativeSession != null && nativeSession.getClass().getName().startsWith(TOMCAT_PACKAGE)
				&& nativeSession.getMaxTextMessageBufferSize() > TOMCAT_TEXT_BUFFER_SIZE) {
			nativeSession.setMaxTextMessageBufferSize(TOMCAT_TEXT_BUFFER_SIZE);
		}
	}

	private void textPart(WampServerSession session, TextMessage part) {
		StringBuilder parts = session.partialText();
		if (parts == null && part.isLast()) {
			// the common case, a message that fits the container's buffer: no copy
			handleText(session, part.getPayload());
			return;
		}
		String payload = part.getPayload();
		int length = ((parts != null) ? parts.length() : 0) + payload.length();
		if (length > this.maxMessageSize) {
			session.partialText(null);
			tooBig(session, (part.isLast() ? "" : "at least ") + length);
			return;
		}
		if (parts == null) {
			parts = new StringBuilder(Math.min(this.maxMessageSize, 2 * payload.length()));
			session.partialText(parts);
		}
		parts.append(payload);
		if (part.isLast()) {
			session.partialText(null);
			handleText(session, parts.toString());
		}
	}

	private void tooBig(WampServerSession session, String length) {
		if (session.countClose()) {
			this.metrics.badFrame(BadFrame.TOO_BIG);
			logger.info("WAMP session " + session.getId() + ": message of " + length + " characters over "
					+ this.maxMessageSize + ", closing with 1009");
		}
		close(session, CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
	}

	private void handleText(WampServerSession session, String payload) {
		if (payload.length() > this.maxMessageSize) {
			tooBig(session, String.valueOf(payload.length()));
			return;
		}
		// the most common message, read without a tree; what the reader is unsure of
		// (including every malformed PUBLISH) goes the tree's way below
		PublishReader.Publish publish = this.publishReader.read(payload, session.getId());
		if (publish != null) {
			this.metrics.messageIn(WampMessageType.PUBLISH);
			publish(session, session.resolve(publish.topic()), publish.eventJson(), payload, publish.exclude(),
					publish.eligible());
			return;
		}
		JsonNode message;
		try {
			message = this.server.jsonMapper().readTree(payload);
		}
		catch (JacksonException ex) {
			ignore(session, BadFrame.NOT_JSON, "not JSON: " + ex.getOriginalMessage());
			return;
		}
		if (message == null || !message.isArray() || message.isEmpty() || !message.get(0).isIntegralNumber()
				|| !message.get(0).canConvertToInt()) {
			ignore(session, BadFrame.NOT_ARRAY, "not a JSON array with an integer type first");
			return;
		}
		WampMessageType type = WampMessageType.of(message.get(0).intValue());
		if (type == null) {
			ignore(session, BadFrame.UNKNOWN_TYPE, "unknown message type " + message.get(0));
			return;
		}
		switch (type) {
			case PREFIX -> prefix(session, message);
			case CALL -> call(session, message);
			case SUBSCRIBE -> subscribe(session, message, true);
			case UNSUBSCRIBE -> subscribe(session, message, false);
			case PUBLISH -> publish(session, message, payload);
			default -> ignore(session, BadFrame.UNKNOWN_TYPE, "message type " + type + " is not sent by clients");
		}
	}

	private void prefix(WampServerSession session, JsonNode message) {
		if (message.size() != 3 || !message.get(1).isString() || !message.get(2).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PREFIX must be [1, prefix, uri]");
			return;
		}
		this.metrics.messageIn(WampMessageType.PREFIX);
		session.prefix(message.get(1).stringValue(), message.get(2).stringValue());
	}

	private void subscribe(WampServerSession session, JsonNode message, boolean subscribe) {
		WampMessageType type = subscribe ? WampMessageType.SUBSCRIBE : WampMessageType.UNSUBSCRIBE;
		if (message.size() != 2 || !message.get(1).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, type + " must be [" + type.code() + ", topic]");
			return;
		}
		String topic = session.resolve(message.get(1).stringValue());
		if (LoneSurrogates.in(topic)) {
			ignore(session, BadFrame.BAD_ARGUMENTS, type + " topic holds an unpaired surrogate");
			return;
		}
		this.metrics.messageIn(type);
		if (subscribe) {
			this.server.subscribe(session, topic);
		}
		else {
			this.server.unsubscribe(session, topic);
		}
	}

	private void publish(WampServerSession session, String topic, String eventJson, String payload,
			@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		if (LoneSurrogates.in(topic)) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PUBLISH topic holds an unpaired surrogate");
			return;
		}
		// no UTF-8 encoder takes an unpaired surrogate: unescaped, it would cost every
		// subscriber (and cluster link) that gets the event its session
		String event = LoneSurrogates.possibleIn(payload) ? LoneSurrogates.escape(eventJson) : eventJson;
		this.server.publish(session, topic, event, exclude, eligible);
	}

	private void publish(WampServerSession session, JsonNode message, String payload) {
		if (message.size() < 3 || message.size() > 5 || !message.get(1).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PUBLISH must be [7, topic, event(, excludeMe | exclude(, eligible))]");
			return;
		}
		String topic = session.resolve(message.get(1).stringValue());
		Set<String> exclude = Set.of(session.getId());
		Set<String> eligible = null;
		if (message.size() >= 4) {
			JsonNode option = message.get(3);
			if (option.isBoolean()) {
				exclude = option.booleanValue() ? exclude : null;
			}
			else if (option.isArray()) {
				exclude = ids(option);
			}
		}
		if (message.size() == 5 && message.get(4).isArray()) {
			eligible = ids(message.get(4));
		}
		this.metrics.messageIn(WampMessageType.PUBLISH);
		publish(session, topic, this.server.jsonMapper().writeValueAsString(message.get(2)), payload, exclude,
				eligible);
	}

	private static Set<String> ids(JsonNode array) {
		Set<String> ids = new HashSet<>();
		for (JsonNode id : array) {
			if (id.isString()) {
				ids.add(id.stringValue());
			}
		}
		return ids;
	}

	private void call(WampServerSession session, JsonNode message) {
		if (message.size() < 3 || !message.get(1).isString() || !message.get(2).isString()) {
			this.metrics.badFrame(BadFrame.PROTOCOL_ERROR);
			String reason = (message.size() < 2 || !message.get(1).isString()) ? "CALL callId must be a string"
					: "CALL procUri must be a string";
			logger.info("WAMP session " + session.getId() + ": " + reason + ", closing with 1002");
			close(session, CloseStatus.PROTOCOL_ERROR.withReason("protocol error: " + reason));
			return;
		}
		this.metrics.messageIn(WampMessageType.CALL);
		String callId = message.get(1).stringValue();
		String uri = session.resolve(message.get(2).stringValue());
		WampProcedureMethod procedure = this.procedures.find(uri);
		if (procedure == null) {
			callError(session, callId, ERROR_NO_SUCH_RPC_ENDPOINT, "No RPC endpoint registered for " + uri + ".",
					null);
			return;
		}
		List<JsonNode> arguments = new ArrayList<>(message.size() - 3);
		for (int i = 3; i < message.size(); i++) {
			arguments.add(message.get(i));
		}
		try {
			this.executor.execute(() -> invoke(session, callId, uri, procedure, arguments));
		}
		catch (RejectedExecutionException ex) {
			logger.warn("WAMP session " + session.getId() + ": CALL " + uri + " rejected by the executor");
			callError(session, callId, ERROR_GENERIC, "Server busy.", null);
		}
	}

	private void invoke(WampServerSession session, String callId, String uri, WampProcedureMethod procedure,
			List<JsonNode> arguments) {
		Object result;
		try {
			result = procedure.invoke(session, arguments, this.server.jsonMapper());
		}
		catch (InvocationTargetException ex) {
			failed(session, callId, uri, ex.getTargetException());
			return;
		}
		catch (WampProcedureMethod.InvalidArgumentsException ex) {
			logger.info("WAMP session " + session.getId() + ": " + ex.getMessage());
			callError(session, callId, ERROR_INVALID_ARGUMENT, ex.getMessage(), null);
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
							(ex instanceof java.util.concurrent.CompletionException && ex.getCause() != null)
									? ex.getCause() : ex);
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
			frame = this.server.jsonMapper().writeValueAsString(Arrays.asList(3, callId, result));
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
		callError(session, callId, ERROR_GENERIC, desc, this.includeStackTrace ? stackTrace(ex) : null);
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

	private void callError(WampServerSession session, String callId, String errorUri, String errorDesc,
			@Nullable Object details) {
		this.metrics.callError();
		List<@Nullable Object> frame = new ArrayList<>(Arrays.asList(4, callId, errorUri, errorDesc));
		if (details != null) {
			frame.add(details);
		}
		String text;
		try {
			text = this.server.jsonMapper().writeValueAsString(frame);
		}
		catch (JacksonException ex) {
			logger.warn("WAMP session " + session.getId() + ": CALLERROR details cannot be written", ex);
			text = this.server.jsonMapper().writeValueAsString(Arrays.asList(4, callId, errorUri, errorDesc));
		}
		session.send(LoneSurrogates.escape(text));
	}

	private void ignore(WampServerSession session, BadFrame kind, String why) {
		this.metrics.badFrame(kind);
		logger.info("WAMP session " + session.getId() + ": ignored message, " + why);
	}

	private void slowSession(WampServerSession session, OutboundBuffer.Overflow reason) {
		this.metrics.slowSessionClosed();
		logger.warn("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
				+ " cannot keep up (" + reason + "), closing with 1013");
		// not on the publisher's thread: closing takes the subscription lock
		try {
			this.executor.execute(() -> this.server.close(session));
		}
		catch (RejectedExecutionException ex) {
			// the container's close callback cleans up when the close completes
			logger.debug("WAMP session " + session.getId() + ": clean-up deferred to the close", ex);
		}
	}

	private void close(WampServerSession session, CloseStatus status) {
		try {
			session.webSocket().close(status);
		}
		catch (IOException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("WAMP session " + session.getId() + ": close failed", ex);
			}
		}
		this.server.close(session);
	}

	PublishReader publishReader() {
		return this.publishReader;
	}

	private static @Nullable WampServerSession session(WebSocketSession webSocket) {
		return (WampServerSession) webSocket.getAttributes().get(SESSION_ATTRIBUTE);
	}

}
