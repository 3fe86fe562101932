package io.pubsubclub.cluster.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.http.HttpHeaders;
import org.springframework.util.concurrent.FutureUtils;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.adapter.standard.WebSocketToStandardExtensionAdapter;
import org.springframework.web.socket.client.AbstractWebSocketClient;

/**
 * The WebSocket client of the cluster connector: Spring's {@code StandardWebSocketClient}
 * plus what a cluster link needs on the upgrade. With a {@link LinkAuthenticator} it signs
 * every dial ({@value LinkAuthenticator#HEADER} request header) and checks the server's
 * proof in the 101 before the link sees the session; a missing or wrong proof closes the
 * connection 1008 and fails the dial, so no PSC frame is ever sent to such a server. With
 * {@link LinkTls} it dials {@code wss://} with the bundle's trust material (and key),
 * the host name verified. The 101 response's headers are kept in the session's
 * attributes under {@link #RESPONSE_HEADERS}.
 * <p>
 * A refused dial fails with a message that says what to check, logged once at WARN for
 * each server until it changes or the server is reached.
 *
 * @author PubSubClub
 */
final class ClusterWebSocketClient extends AbstractWebSocketClient {

	/**
	 * Session attribute holding the 101 response's headers, an {@link HttpHeaders}.
	 */
	static final String RESPONSE_HEADERS = ClusterWebSocketClient.class.getName() + ".responseHeaders";

	private static final Log logger = LogFactory.getLog(ClusterWebSocketClient.class);

	private static final int MAX_WARNED = 1024;

	// Tomcat's client: the protocols its SSL engine enables
	private static final String SSL_PROTOCOLS = "org.apache.tomcat.websocket.SSL_PROTOCOLS";

	private final WebSocketContainer container;

	private final Map<String, Object> userProperties;

	private final LinkSecurity security;

	private final SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("pubsubclub-dial-");

	private final Map<String, String> warned = new ConcurrentHashMap<>();

	/**
	 * Return a header of the server's 101 response.
	 * @param session a session this client opened
	 * @param name the header name
	 * @return the header's first value, {@code null} when absent
	 */
	static @Nullable String responseHeader(WebSocketSession session, String name) {
		Object headers = session.getAttributes().get(RESPONSE_HEADERS);
		return (headers instanceof HttpHeaders httpHeaders) ? httpHeaders.getFirst(name) : null;
	}

	ClusterWebSocketClient(WebSocketContainer container, Map<String, Object> userProperties, LinkSecurity security) {
		this.container = container;
		this.userProperties = Map.copyOf(userProperties);
		this.security = security;
		this.executor.setDaemon(true);
	}

	@Override
	protected CompletableFuture<WebSocketSession> executeInternal(WebSocketHandler handler, HttpHeaders headers,
			URI dialled, List<String> protocols, List<WebSocketExtension> extensions, Map<String, Object> attributes) {
		LinkTls tls = this.security.linkTls();
		URI uri = (tls != null && "ws".equals(dialled.getScheme())) ? URI.create("wss" + dialled.toString().substring(2))
				: dialled;
		int port = uri.getPort();
		InetSocketAddress remote = new InetSocketAddress(uri.getHost(), port);
		// no local address: Spring's client looks up the local host name at every dial for it
		StandardWebSocketSession session = new StandardWebSocketSession(headers, attributes, null, remote);
		LinkAuthenticator authenticator = this.security.authenticator();
		LinkAuthenticator.Token token = (authenticator != null) ? authenticator.sign() : null;
		Upgrade upgrade = new Upgrade(headers, token);
		ClientEndpointConfig.Builder builder = ClientEndpointConfig.Builder.create()
			.configurator(upgrade)
			.preferredSubprotocols(protocols)
			.extensions(extensions.stream()
				.<jakarta.websocket.Extension>map(WebSocketToStandardExtensionAdapter::new)
				.toList());
		SSLContext sslContext = (tls != null) ? tls.sslContext() : null;
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		ClientEndpointConfig config = builder.build();
		config.getUserProperties().putAll(this.userProperties);
		String[] tlsProtocols = (tls != null) ? tls.protocols() : null;
		if (tlsProtocols != null) {
			config.getUserProperties().put(SSL_PROTOCOLS, String.join(",", tlsProtocols));
		}
		String server = uri.getHost() + ":" + port;
		Endpoint endpoint = new CheckedEndpoint(new StandardWebSocketHandlerAdapter(handler, session), upgrade,
				authenticator, session);
		return FutureUtils.callAsync(() -> {
			try {
				this.container.connectToServer(endpoint, config, uri);
			}
			catch (Exception ex) {
				if (logger.isDebugEnabled()) {
					logger.debug("Dial of " + uri + " failed", ex);
				}
				throw refused(server, explain(ex, uri));
			}
			String refusal = upgrade.refusal;
			if (refusal != null) {
				throw refused(server, refusal);
			}
			this.warned.remove(server);
			return session;
		}, this.executor);
	}

	private LinkRefusedException refused(String server, String reason) {
		String message = "Cluster server " + server + " " + reason;
		if (!reason.equals(this.warned.get(server)) && this.warned.size() < MAX_WARNED) {
			this.warned.put(server, reason);
			logger.warn(message + " (logged once until it changes; dialling goes on with back-off)");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
		return new LinkRefusedException(message);
	}

	// what a failed dial means, in the terms of this node's settings
	private String explain(Exception ex, URI uri) {
		boolean tls = "wss".equals(uri.getScheme());
		String text = chain(ex);
		if (text.contains("[401]")) {
			return "refused the link: authentication failed (HTTP 401); "
					+ ((this.security.authenticator() != null)
							? "its pubsubclub.link.secret or accepted-secrets do not include this node's secret"
							: "it requires a secret (set pubsubclub.link.secret)");
		}
		if (!tls && text.contains("[400]")) {
			return "answered the upgrade with HTTP 400, as a cluster server with TLS answers plain text: "
					+ "set pubsubclub.link.ssl.bundle to dial wss:// (" + text + ")";
		}
		if (tls && (text.contains("bad_certificate") || text.contains("certificate_required"))) {
			return "refused this node's certificate (mutual TLS, pubsubclub.server.ssl.client-auth there): "
					+ "the bundle of pubsubclub.link.ssl.bundle needs a key and a certificate the server trusts: " + text;
		}
		if (tls && (text.contains("nrecognized SSL message") || text.contains("plaintext connection"))) {
			return "does not speak TLS (no pubsubclub.server.ssl.bundle there?), while this node dials wss:// "
					+ "(pubsubclub.link.ssl.bundle): " + text;
		}
		if (tls && (text.contains("PKIX") || text.contains("certificate_unknown") || text.contains("CertificateException")
				|| text.contains("No subject alternative") || text.contains("No name matching"))) {
			return "failed TLS verification: its certificate or host name is not trusted by the bundle "
					+ "of pubsubclub.link.ssl.bundle, or it did not accept this node's certificate: " + text;
		}
		if (tls && text.contains("SSL")) {
			return "failed the TLS handshake: " + text;
		}
		return "could not be reached: " + text;
	}

	private static String chain(Throwable ex) {
		List<String> messages = new ArrayList<>();
		for (Throwable cause = ex; cause != null && messages.size() < 6; cause = cause.getCause()) {
			String message = cause.getClass().getSimpleName()
					+ ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
			if (!messages.contains(message)) {
				messages.add(message);
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return String.join(" <- ", messages);
	}

	/**
	 * Adds the request headers and the token; keeps the 101 response's headers.
	 */
	private static final class Upgrade extends ClientEndpointConfig.Configurator {

		private final HttpHeaders requestHeaders;

		private final LinkAuthenticator.@Nullable Token token;

		private final HttpHeaders responseHeaders = new HttpHeaders();

		private volatile @Nullable String refusal;

		Upgrade(HttpHeaders requestHeaders, LinkAuthenticator.@Nullable Token token) {
			this.requestHeaders = requestHeaders;
			this.token = token;
		}

		@Override
		public void beforeRequest(Map<String, List<String>> headers) {
			this.requestHeaders.forEach((name, values) -> headers.put(name, new ArrayList<>(values)));
			if (this.token != null) {
				headers.put(LinkAuthenticator.HEADER, List.of(this.token.header()));
			}
		}

		@Override
		public void afterResponse(HandshakeResponse response) {
			response.getHeaders().forEach((name, values) -> {
				if (name != null && values != null) {
					this.responseHeaders.put(name, List.copyOf(values));
				}
			});
		}

	}

	/**
	 * Checks the server's proof before the link sees the session.
	 */
	private static final class CheckedEndpoint extends Endpoint {

		private final StandardWebSocketHandlerAdapter delegate;

		private final Upgrade upgrade;

		private final @Nullable LinkAuthenticator authenticator;

		private final StandardWebSocketSession session;

		private volatile boolean refused;

		CheckedEndpoint(StandardWebSocketHandlerAdapter delegate, Upgrade upgrade,
				@Nullable LinkAuthenticator authenticator, StandardWebSocketSession session) {
			this.delegate = delegate;
			this.upgrade = upgrade;
			this.authenticator = authenticator;
			this.session = session;
		}

		@Override
		public void onOpen(Session nativeSession, EndpointConfig config) {
			HttpHeaders response = this.upgrade.responseHeaders;
			this.session.getAttributes().put(RESPONSE_HEADERS, response);
			LinkAuthenticator.Token token = this.upgrade.token;
			if (this.authenticator != null && token != null) {
				String problem = this.authenticator.checkProof(response.getFirst(LinkAuthenticator.HEADER),
						token.nonce());
				if (problem != null) {
					this.refused = true;
					this.upgrade.refusal = "failed authentication: " + problem;
					try {
						nativeSession.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "server proof wrong"));
					}
					catch (IOException ex) {
						// the dial fails either way
					}
					return;
				}
			}
			this.delegate.onOpen(nativeSession, config);
		}

		@Override
		public void onClose(Session nativeSession, CloseReason reason) {
			if (!this.refused) {
				this.delegate.onClose(nativeSession, reason);
			}
		}

		@Override
		public void onError(Session nativeSession, Throwable ex) {
			if (!this.refused) {
				this.delegate.onError(nativeSession, ex);
			}
		}

	}

	/**
	 * A dial that failed or was refused, with a message saying what to check. It has no
	 * cause, so that the dialler reports this message rather than the root cause's.
	 */
	static final class LinkRefusedException extends IOException {

		LinkRefusedException(String message) {
			super(message);
		}

	}

}
