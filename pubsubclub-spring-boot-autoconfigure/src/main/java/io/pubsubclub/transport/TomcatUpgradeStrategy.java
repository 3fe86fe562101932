package io.pubsubclub.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.RequestUpgradeStrategy;

/**
 * Upgrades a WebSocket handshake on Tomcat to a {@link TomcatConnection}, this project's
 * own lean WebSocket transport, instead of Tomcat's JSR-356 implementation: an idle
 * session then holds no message, decoding or encoding buffer (Tomcat's costs 48 KB of
 * heap per session at its defaults), and an event sent to many sessions is encoded once.
 * No extension is offered, so a client asking for permessage-deflate connects without it.
 * On another container the handshake goes to the given fallback strategy.
 * <p>
 * The transport drives Tomcat's {@code InternalHttpUpgradeHandler} and
 * {@code SocketWrapperBase}, which are not a public API: it is used only on the Tomcat
 * versions it was tested on ({@value #TESTED_TOMCAT}.x). On any other, every handshake goes
 * to the fallback strategy, said once in a WARN at start-up. (The public Servlet upgrade
 * API costs no more, but on Tomcat 11 it cannot close a silent peer's socket from any thread
 * but Tomcat's, nor stop reading while writes stall without spinning: docs/tuning.md.)
 *
 * @author PubSubClub
 */
public final class TomcatUpgradeStrategy implements RequestUpgradeStrategy, AutoCloseable {

	private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private static final String TOMCAT_REQUEST_PACKAGE = "org.apache.catalina.";

	/** The Tomcat major and minor version whose internals the transport was tested on. */
	static final String TESTED_TOMCAT = "11.0";

	private static final Log logger = LogFactory.getLog(TomcatUpgradeStrategy.class);

	private final boolean testedTomcat;

	private final TransportSettings settings;

	private final RequestUpgradeStrategy fallback;

	private final ScheduledExecutorService timer;

	/**
	 * Create a strategy with the given limits.
	 * @param maxMessageBytes the longest message a client may send, in bytes; a longer one
	 * closes the session with 1009
	 * @param sendBufferSize the most bytes that may wait to be sent to one session before it
	 * is closed as too slow (1013)
	 * @param sendTimeLimit the longest a session's socket may take no bytes while some wait
	 * before it is closed as too slow (1013)
	 * @param closeTimeout how long a closing handshake may take before the socket is closed
	 * @param fallback the strategy for a container other than Tomcat
	 */
	public TomcatUpgradeStrategy(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit,
			Duration closeTimeout, RequestUpgradeStrategy fallback) {
		this(maxMessageBytes, sendBufferSize, sendTimeLimit, closeTimeout, Duration.ZERO, fallback);
	}

	/**
	 * Create a strategy with the given limits.
	 * @param maxMessageBytes the longest message a client may send, in bytes; a longer one
	 * closes the session with 1009
	 * @param sendBufferSize the most bytes that may wait to be sent to one session before it
	 * is closed as too slow (1013)
	 * @param sendTimeLimit the longest a session's socket may take no bytes while some wait
	 * before it is closed as too slow (1013)
	 * @param closeTimeout how long a closing handshake may take before the socket is closed
	 * @param idleTimeout how long a client may send nothing before it is closed with 1001
	 * (pinged halfway); zero for no limit
	 * @param fallback the strategy for a container other than Tomcat
	 */
	public TomcatUpgradeStrategy(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit,
			Duration closeTimeout, Duration idleTimeout, RequestUpgradeStrategy fallback) {
		this(maxMessageBytes, sendBufferSize, sendTimeLimit, closeTimeout, idleTimeout, fallback, tomcatVersion());
	}

	TomcatUpgradeStrategy(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit, Duration closeTimeout,
			Duration idleTimeout, RequestUpgradeStrategy fallback, @Nullable String tomcatVersion) {
		this.testedTomcat = tomcatVersion != null && tomcatVersion.startsWith(TESTED_TOMCAT + ".");
		if (!this.testedTomcat && tomcatVersion != null) {
			logger.warn("Tomcat " + tomcatVersion + " is outside the versions the lean WAMP transport was tested on ("
					+ TESTED_TOMCAT + ".x): WAMP sessions use the container's standard WebSocket transport");
		}
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "pubsubclub-wamp-timer");
			thread.setDaemon(true);
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		this.timer = timer;
		this.settings = new TransportSettings(maxMessageBytes, sendBufferSize, sendTimeLimit, closeTimeout, idleTimeout,
				timer);
		this.fallback = fallback;
	}

	/**
	 * Stop the timer of close and send-time limits.
	 */
	@Override
	public void close() {
		this.timer.shutdownNow();
	}

	@Override
	public String[] getSupportedVersions() {
		return new String[] { "13" };
	}

	@Override
	public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
		return List.of();
	}

	@Override
	public void upgrade(ServerHttpRequest request, ServerHttpResponse response, @Nullable String selectedProtocol,
			List<WebSocketExtension> selectedExtensions, @Nullable Principal user, WebSocketHandler handler,
			Map<String, Object> attributes) throws HandshakeFailureException {
		if (!this.testedTomcat || !(request instanceof ServletServerHttpRequest servletRequest)
				|| !(response instanceof ServletServerHttpResponse servletResponse)
				|| !servletRequest.getServletRequest().getClass().getName().startsWith(TOMCAT_REQUEST_PACKAGE)) {
			this.fallback.upgrade(request, response, selectedProtocol, selectedExtensions, user, handler, attributes);
			return;
		}
		String key = request.getHeaders().getFirst("Sec-WebSocket-Key");
		if (key == null) {
			throw new HandshakeFailureException("Missing Sec-WebSocket-Key header");
		}
		HttpServletRequest httpRequest = servletRequest.getServletRequest();
		HttpServletResponse httpResponse = servletResponse.getServletResponse();
		ConnectionSession session = new ConnectionSession(request.getURI(), request.getHeaders(), attributes, user,
				selectedProtocol);
		httpResponse.setStatus(HttpStatus.SWITCHING_PROTOCOLS.value());
		httpResponse.setHeader("Upgrade", "websocket");
		httpResponse.setHeader("Connection", "upgrade");
		httpResponse.setHeader("Sec-WebSocket-Accept", accept(key));
		if (selectedProtocol != null) {
			httpResponse.setHeader("Sec-WebSocket-Protocol", selectedProtocol);
		}
		try {
			TomcatConnection connection = httpRequest.upgrade(TomcatConnection.class);
			connection.setUp(session, handler, this.settings);
		}
		catch (IOException | ServletException ex) {
			throw new HandshakeFailureException("HTTP upgrade of " + request.getURI() + " failed", ex);
		}
	}

	/**
	 * Return the number of sessions whose socket stopped taking bytes, being watched
	 * against the send-time limit.
	 * @return the stalled sessions
	 */
	public int getStalledSessions() {
		return this.settings.stalls().watched();
	}

	/**
	 * Return the number of connections failed for what their client sent (1002, 1007,
	 * 1009), since start-up.
	 * @return the failed connections
	 */
	public long getFailedConnections() {
		return this.settings.failures();
	}

	/**
	 * Return whether handshakes on Tomcat get the lean transport: the running Tomcat is one
	 * it was tested on.
	 * @return whether the lean transport is used on Tomcat
	 */
	public boolean isLeanTransportUsed() {
		return this.testedTomcat;
	}

	private static @Nullable String tomcatVersion() {
		try {
			return org.apache.catalina.util.ServerInfo.getServerNumber();
		}
		catch (LinkageError ex) {
			return null;
		}
	}

	private static String accept(String key) {
		try {
			MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
			byte[] digest = sha1.digest((key.trim() + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("No SHA-1 in this JVM", ex);
		}
	}

}
