package io.pubsubclub.cluster.transport;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.Endpoint;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.http.HttpHeaders;
import org.springframework.util.concurrent.FutureUtils;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.adapter.standard.WebSocketToStandardExtensionAdapter;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * A {@link StandardWebSocketClient} that keeps the headers of the server's 101 response,
 * which Spring's client drops: the accepting node answers with its identity there. They
 * are read with {@link #responseHeader(WebSocketSession, String)} once the session is
 * open. Otherwise it connects exactly as its parent does.
 *
 * @author PubSubClub
 */
final class HandshakeClient extends StandardWebSocketClient {

	private static final String RESPONSE_HEADERS = HandshakeClient.class.getName() + ".responseHeaders";

	private final WebSocketContainer container;

	HandshakeClient(WebSocketContainer container) {
		super(container);
		this.container = container;
	}

	/**
	 * Return a header of the server's upgrade response.
	 * @param session a session this client opened
	 * @param name the header name
	 * @return the header's first value, {@code null} when absent
	 */
	static @Nullable String responseHeader(WebSocketSession session, String name) {
		Object headers = session.getAttributes().get(RESPONSE_HEADERS);
		return (headers instanceof HttpHeaders httpHeaders) ? httpHeaders.getFirst(name) : null;
	}

	@Override
	protected CompletableFuture<WebSocketSession> executeInternal(WebSocketHandler handler, HttpHeaders headers,
			URI uri, List<String> protocols, List<WebSocketExtension> extensions, Map<String, Object> attributes) {
		int port = (uri.getPort() != -1) ? uri.getPort() : ("wss".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
		InetSocketAddress remoteAddress = new InetSocketAddress(uri.getHost(), port);
		HttpHeaders responseHeaders = new HttpHeaders();
		Map<String, Object> sessionAttributes = new HashMap<>(attributes);
		sessionAttributes.put(RESPONSE_HEADERS, responseHeaders);
		StandardWebSocketSession session = new StandardWebSocketSession(headers, sessionAttributes, null,
				remoteAddress);
		ClientEndpointConfig config = ClientEndpointConfig.Builder.create()
			.configurator(new Configurator(headers, responseHeaders))
			.preferredSubprotocols(protocols)
			.extensions(extensions.stream()
				.<jakarta.websocket.Extension>map(WebSocketToStandardExtensionAdapter::new)
				.toList())
			.sslContext(getSslContext())
			.build();
		config.getUserProperties().putAll(getUserProperties());
		Endpoint endpoint = new StandardWebSocketHandlerAdapter(handler, session);
		Callable<WebSocketSession> connect = () -> {
			this.container.connectToServer(endpoint, config, uri);
			return session;
		};
		AsyncTaskExecutor executor = getTaskExecutor();
		return (executor != null) ? FutureUtils.callAsync(connect, executor) : FutureUtils.callAsync(connect);
	}

	private static final class Configurator extends ClientEndpointConfig.Configurator {

		private final HttpHeaders requestHeaders;

		private final HttpHeaders responseHeaders;

		Configurator(HttpHeaders requestHeaders, HttpHeaders responseHeaders) {
			this.requestHeaders = requestHeaders;
			this.responseHeaders = responseHeaders;
		}

		@Override
		public void beforeRequest(Map<String, List<String>> headers) {
			this.requestHeaders.forEach(headers::put);
		}

		@Override
		public void afterResponse(HandshakeResponse response) {
			// before the session opens: the handler reads them in afterConnectionEstablished
			response.getHeaders().forEach(this.responseHeaders::addAll);
		}

	}

}
