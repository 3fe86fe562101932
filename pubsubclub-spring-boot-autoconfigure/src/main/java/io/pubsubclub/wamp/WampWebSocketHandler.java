package io.pubsubclub.wamp;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.wamp.auth.WampCallInterceptor;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * The WAMP v1 WebSocket handler: the transport side of the server. Selects the
 * {@code wamp} subprotocol, opens and closes sessions, sends WELCOME, assembles messages
 * that arrive in parts and hands each whole message to the {@link WampMessageDispatcher},
 * which serves PREFIX, SUBSCRIBE, UNSUBSCRIBE and PUBLISH and passes CALLs to the
 * {@link WampCallInvoker}. The messages of one session are handled in the order they
 * arrive; CALLs run on the call executor, so that a slow procedure does not hold up the
 * session's other messages.
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
 * no reply for it, so the client is not told, but the server logs and counts it. So is
 * one over a per-session limit ({@link WampServerMetrics.Limit}: subscriptions, topic
 * length, prefixes, the node's distinct topics); a CALL over the session's outstanding
 * calls is answered {@link #ERROR_BUSY}, and a session over its publish budget is not
 * read until it is back within it. Each limit's refusals are logged once per session.
 *
 * @author PubSubClub
 */
public class WampWebSocketHandler implements WebSocketHandler, SubProtocolCapable, DisposableBean {

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
	 * Error URI of a CALL refused because the session has too many calls outstanding, or
	 * the call executor's queue is full.
	 */
	public static final String ERROR_BUSY = "http://api.wamp.ws/error#busy";

	/**
	 * Error URI of a CALL that ran past {@code pubsubclub.wamp.call-timeout}.
	 */
	public static final String ERROR_TIMEOUT = "http://api.wamp.ws/error#timeout";

	/**
	 * Error URI of a publish on behalf of a session that the session may not make.
	 */
	public static final String ERROR_NOT_AUTHORIZED = "http://api.wamp.ws/error#not-authorized";

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

	private final ThreadPoolExecutor closeExecutor;

	private final WampServerMetrics metrics;

	private final WampCallInvoker calls;

	private final WampMessageDispatcher dispatcher;

	private final Wamp2Broker broker;

	private final Wamp2Dispatcher v2Dispatcher;

	private final Wamp2Dealer dealer;

	private volatile boolean v2;

	private String serverIdent = "PubSubClub";

	private int maxMessageSize = 64 * 1024;

	private long sendBufferSize = 512 * 1024;

	private Duration sendTimeLimit = Duration.ofSeconds(10);

	private @Nullable WampCraAuthenticator authenticator;

	private @Nullable Duration authTimeout;

	/**
	 * Create a handler.
	 * @param server the server state
	 * @param procedures the procedures clients may call
	 * @param executor where procedures run: bounded, for a full queue is answered with a
	 * busy CALLERROR
	 */
	public WampWebSocketHandler(WampServer server, WampProcedureRegistry procedures, Executor executor) {
		this.server = server;
		this.closeExecutor = closeExecutor();
		this.metrics = server.getMetrics();
		this.calls = new WampCallInvoker(server, procedures, executor);
		this.dispatcher = new WampMessageDispatcher(server, this.calls, this::close);
		this.calls.setCloser(this::closeLater);
		this.broker = new Wamp2Broker(server);
		this.dealer = new Wamp2Dealer(server, this.calls, procedures, this.broker);
		this.v2Dispatcher = new Wamp2Dispatcher(server, this.broker, this.dealer, this::close);
	}

	/**
	 * Serve WAMP v2 ({@code wamp.2.json}) beside v1 on this endpoint: the subprotocol is
	 * picked from the client's list, in the client's order.
	 * @param settings the realm and URI mapping, {@code null} for v1 only
	 */
	public void setV2(@Nullable Wamp2Settings settings) {
		if (settings != null) {
			this.v2Dispatcher.setRealm(settings.realm());
			this.broker.setUriMapping(settings.uris());
		}
		this.v2 = (settings != null);
	}

	/**
	 * Serve WAMP-CRA's two procedures with this authenticator.
	 * @param authenticator the authenticator, {@code null} for no WAMP-CRA (its procedures
	 * are then unknown, as on a server without it)
	 */
	public void setAuthenticator(@Nullable WampCraAuthenticator authenticator) {
		this.authenticator = authenticator;
		this.calls.setAuthenticator(authenticator);
		this.v2Dispatcher.setAuth((authenticator != null) ? new Wamp2Auth(this.server, authenticator) : null);
	}

	/**
	 * Set the time a session has to authenticate with WAMP-CRA before it is closed (1008);
	 * sessions with a handshake principal are authenticated from the start. Needs an
	 * {@link #setAuthenticator authenticator}.
	 * @param authTimeout the time, {@code null} for none
	 */
	public void setAuthTimeout(@Nullable Duration authTimeout) {
		this.authTimeout = authTimeout;
	}

	/**
	 * Set what wraps the invocation of every procedure (the caller's Spring Security
	 * context) and translates its failures.
	 * @param interceptor the interceptor, {@code null} for none
	 */
	public void setCallInterceptor(@Nullable WampCallInterceptor interceptor) {
		this.calls.setInterceptor(interceptor);
	}

	/**
	 * Closes run on threads of their own, never queued behind calls: closing a slow
	 * session may wait on its socket, and must not wait on procedures. A close is small
	 * and there is at most one per session, so the queue needs no bound.
	 */
	private static ThreadPoolExecutor closeExecutor() {
		AtomicInteger count = new AtomicInteger();
		ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "wamp-close-" + count.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	@Override
	public void destroy() {
		this.closeExecutor.shutdown();
	}

	/**
	 * Set how many CALLs one session may have outstanding (queued, running or waiting
	 * for a {@code CompletionStage}); one more is answered with {@link #ERROR_BUSY}.
	 * @param maxCallsPerSession the limit
	 */
	public void setMaxCallsPerSession(int maxCallsPerSession) {
		this.calls.setMaxCallsPerSession(maxCallsPerSession);
		this.dealer.setMaxCallsPerSession(maxCallsPerSession);
	}

	/**
	 * Set how long a CALL may take before it is answered with {@link #ERROR_TIMEOUT}; a
	 * procedure still running is interrupted. {@code null} for no limit.
	 * @param callTimeout the limit, or {@code null}
	 */
	public void setCallTimeout(@Nullable Duration callTimeout) {
		this.calls.setCallTimeout(callTimeout);
		this.dealer.setCallTimeout(callTimeout);
	}

	/**
	 * Set the server identity sent in WELCOME.
	 * @param serverIdent the server identity
	 */
	public void setServerIdent(String serverIdent) {
		this.serverIdent = serverIdent;
		this.v2Dispatcher.setAgent(serverIdent);
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
		this.calls.setIncludeStackTrace(includeStackTrace);
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
		return this.v2 ? List.of(SUBPROTOCOL, WampProtocol.V2.subprotocol()) : List.of(SUBPROTOCOL);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocket) throws Exception {
		// no setTextMessageSizeLimit: Tomcat would give every session a text buffer of that
		// size; parts of longer messages are assembled in textPart instead
		smallTextBuffer(webSocket);
		WampProtocol protocol = this.v2 ? WampProtocol.of(webSocket.getAcceptedProtocol()) : WampProtocol.V1;
		WampServerSession session = this.server.open(webSocket, protocol);
		webSocket.getAttributes().put(SESSION_ATTRIBUTE, session);
		BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow = (ws, reason) -> slowSession(session, reason);
		session.outbound((webSocket instanceof FrameSenderSource source) ? source.frameSender(onOverflow)
				: new OutboundBuffer(webSocket, this.sendBufferSize, this.sendTimeLimit.toMillis(), this.closeExecutor,
						onOverflow));
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP " + protocol.tag() + " session " + session.getId() + " opened from "
					+ webSocket.getRemoteAddress());
		}
		if (protocol == WampProtocol.V1) {
			// a v2 client speaks first (HELLO)
			session.send(this.server.jsonMapper()
				.writeValueAsString(List.of(WampMessageType.WELCOME.code(), session.getId(), 1, this.serverIdent)));
		}
		WampCraAuthenticator authenticator = this.authenticator;
		Duration authTimeout = this.authTimeout;
		if (authenticator != null && authTimeout != null && !session.isAuthenticated()) {
			authenticator.startTimeout(session, session.authState(), authTimeout, () -> closeLater(session,
					CloseStatus.POLICY_VIOLATION.withReason("not authenticated within " + authTimeout)));
		}
	}

	// from a timer or the call executor: the close may block, on a thread of its own
	private void closeLater(WampServerSession session, CloseStatus status) {
		try {
			this.closeExecutor.execute(() -> close(session, status));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("WAMP session " + session.getId() + ": close not run, shutting down");
		}
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
		session.authState().cancelTimeout();
		this.server.close(session);
		this.dealer.closed(session);
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
		if (session.v2() != null) {
			this.v2Dispatcher.dispatch(session, payload);
		}
		else {
			this.dispatcher.dispatch(session, payload);
		}
	}

	private void slowSession(WampServerSession session, OutboundBuffer.Overflow reason) {
		this.metrics.slowSessionClosed();
		logger.warn("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
				+ " cannot keep up (" + reason + "), closing with 1013");
		// not on the publisher's thread: closing takes the subscription lock
		try {
			this.closeExecutor.execute(() -> this.server.close(session));
		}
		catch (RejectedExecutionException ex) {
			// the container's close callback cleans up when the close completes
			logger.debug("WAMP session " + session.getId() + ": clean-up deferred to the close", ex);
		}
	}

	private void close(WampServerSession session, CloseStatus status) {
		session.authState().cancelTimeout();
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
		return this.dispatcher.publishReader();
	}

	private static @Nullable WampServerSession session(WebSocketSession webSocket) {
		return (WampServerSession) webSocket.getAttributes().get(SESSION_ATTRIBUTE);
	}

}
