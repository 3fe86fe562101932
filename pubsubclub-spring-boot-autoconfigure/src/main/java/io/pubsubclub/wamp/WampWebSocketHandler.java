package io.pubsubclub.wamp;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

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

/**
 * The WAMP WebSocket handler: the transport side of the server. Selects the {@code wamp}
 * subprotocol (and {@code wamp.2.json} beside it when v2 is on), opens sessions, sends the
 * v1 WELCOME, and hands each whole message, as {@link WampTextAssembler} puts it together
 * from the container's parts, to the dispatcher of the session's version: the
 * {@link WampMessageDispatcher} for v1, which serves PREFIX, SUBSCRIBE, UNSUBSCRIBE and
 * PUBLISH and passes CALLs to the {@link WampCallInvoker}; the {@link Wamp2Dispatcher} for
 * v2. {@link WampSessionCloser} closes sessions. The messages of one session are handled
 * in the order they arrive; CALLs run on the call executor, so that a slow procedure does
 * not hold up the session's other messages.
 * <p>
 * Bad v1 input follows Autobahn (v2's: {@link Wamp2Dispatcher}), and never affects another
 * session. Each case is logged
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
	 * Characters of Tomcat's per-session text message buffer: see {@link WampTextAssembler}.
	 */
	static final int TOMCAT_TEXT_BUFFER_SIZE = WampTextAssembler.TOMCAT_TEXT_BUFFER_SIZE;

	private static final String SESSION_ATTRIBUTE = WampWebSocketHandler.class.getName() + ".session";

	private static final Log logger = LogFactory.getLog(WampWebSocketHandler.class);

	private final WampServer server;

	private final WampSessionCloser closer;

	private final WampTextAssembler assembler;

	private final WampServerMetrics metrics;

	private final WampCallInvoker calls;

	private final WampMessageDispatcher dispatcher;

	private final Wamp2Broker broker;

	private final Wamp2Dispatcher v2Dispatcher;

	private final Wamp2Dealer dealer;

	private volatile boolean v2;

	private String serverIdent = "PubSubClub";

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
		this.closer = new WampSessionCloser(server);
		this.metrics = server.getMetrics();
		this.calls = new WampCallInvoker(server, procedures, executor);
		this.dispatcher = new WampMessageDispatcher(server, this.calls, this.closer::close);
		this.calls.setCloser(this.closer::closeLater);
		this.broker = new Wamp2Broker(server);
		this.dealer = new Wamp2Dealer(server, this.calls, procedures, this.broker);
		this.v2Dispatcher = new Wamp2Dispatcher(server, this.broker, this.dealer, this.closer::close);
		this.assembler = new WampTextAssembler(this.metrics, this::dispatch, this.closer::close);
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

	@Override
	public void destroy() {
		this.closer.shutdown();
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
		this.assembler.setMaxMessageSize(maxMessageSize);
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
		return this.assembler.getMaxMessageSize();
	}

	@Override
	public List<String> getSubProtocols() {
		return this.v2 ? List.of(SUBPROTOCOL, WampProtocol.V2.subprotocol()) : List.of(SUBPROTOCOL);
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession webSocket) throws Exception {
		// no setTextMessageSizeLimit: Tomcat would give every session a text buffer of that
		// size; parts of longer messages are assembled in textPart instead
		WampTextAssembler.smallTextBuffer(webSocket);
		WampProtocol protocol = this.v2 ? WampProtocol.of(webSocket.getAcceptedProtocol()) : WampProtocol.V1;
		WampServerSession session = this.server.open(webSocket, protocol);
		webSocket.getAttributes().put(SESSION_ATTRIBUTE, session);
		BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow = (ws, reason) -> this.closer
			.slowSession(session, reason);
		session.outbound((webSocket instanceof FrameSenderSource source) ? source.frameSender(onOverflow)
				: new OutboundBuffer(webSocket, this.sendBufferSize, this.sendTimeLimit.toMillis(),
						this.closer.executor(), onOverflow));
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
			authenticator.startTimeout(session, session.authState(), authTimeout, () -> this.closer.closeLater(session,
					CloseStatus.POLICY_VIOLATION.withReason("not authenticated within " + authTimeout)));
		}
	}

	@Override
	public void handleMessage(WebSocketSession webSocket, WebSocketMessage<?> message) throws Exception {
		WampServerSession session = session(webSocket);
		if (session == null || session.isClosed()) {
			return;
		}
		if (message instanceof TextMessage text) {
			this.assembler.part(session, text);
		}
		else if (message instanceof BinaryMessage) {
			this.metrics.badFrame(BadFrame.BINARY);
			logger.info("WAMP session " + session.getId() + ": binary frame, closing with 1003");
			this.closer.close(session, CloseStatus.NOT_ACCEPTABLE.withReason("binary frames are not supported"));
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
		if (closeStatus.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()) {
			// a container that enforces a size limit of its own refused the message
			this.assembler.closedAsTooBig(session);
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

	/** A whole text message of the session, to the dispatcher of its version. */
	private void dispatch(WampServerSession session, String payload) {
		if (session.v2() != null) {
			this.v2Dispatcher.dispatch(session, payload);
		}
		else {
			this.dispatcher.dispatch(session, payload);
		}
	}

	PublishReader publishReader() {
		return this.dispatcher.publishReader();
	}

	private static @Nullable WampServerSession session(WebSocketSession webSocket) {
		return (WampServerSession) webSocket.getAttributes().get(SESSION_ATTRIBUTE);
	}

}
