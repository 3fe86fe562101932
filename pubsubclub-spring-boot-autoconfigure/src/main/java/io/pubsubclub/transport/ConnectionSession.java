package io.pubsubclub.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.ReadSuspension;
import io.pubsubclub.support.TextFrame;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The {@link WebSocketSession} of a {@link TomcatConnection}. Its sends never block: a
 * frame is queued within the endpoint's send limits and written when the socket takes it.
 *
 * @author PubSubClub
 */
final class ConnectionSession implements WebSocketSession, FrameSenderSource, ReadSuspension {

	private static final AtomicLong ids = new AtomicLong();

	private static final Set<String> HANDSHAKE_ONLY = Set.of("upgrade", "connection", "sec-websocket-key",
			"sec-websocket-version", "sec-websocket-extensions");

	private final String id = Long.toHexString(ids.incrementAndGet());

	private final URI uri;

	// name, value, name, value...: far smaller than an HttpHeaders kept for each session
	private final String[] handshakeHeaders;

	private final Map<String, Object> attributes;

	private final @Nullable Principal principal;

	private final @Nullable String acceptedProtocol;

	private @Nullable TomcatConnection connection;

	private volatile @Nullable BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow;

	ConnectionSession(URI uri, HttpHeaders handshakeHeaders, Map<String, Object> attributes,
			@Nullable Principal principal, @Nullable String acceptedProtocol) {
		this.uri = uri;
		this.handshakeHeaders = compact(handshakeHeaders);
		this.attributes = attributes;
		this.principal = principal;
		this.acceptedProtocol = acceptedProtocol;
	}

	private static String[] compact(HttpHeaders headers) {
		List<String> pairs = new ArrayList<>();
		headers.forEach((name, values) -> {
			if (!HANDSHAKE_ONLY.contains(name.toLowerCase(Locale.ROOT))) {
				for (String value : values) {
					pairs.add(name.intern());
					pairs.add(value);
				}
			}
		});
		return pairs.toArray(String[]::new);
	}

	void connected(TomcatConnection connection) {
		this.connection = connection;
	}

	void overflow(OutboundBuffer.Overflow reason) {
		BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow = this.onOverflow;
		if (onOverflow != null) {
			onOverflow.accept(this, reason);
		}
	}

	@Override
	public FrameSender frameSender(BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow) {
		this.onOverflow = onOverflow;
		return new Sender();
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public URI getUri() {
		return this.uri;
	}

	/**
	 * Return the headers of the handshake request, but for those that only served the
	 * handshake itself ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Key},
	 * {@code -Version} and {@code -Extensions}).
	 */
	@Override
	public HttpHeaders getHandshakeHeaders() {
		HttpHeaders headers = new HttpHeaders();
		for (int i = 0; i + 1 < this.handshakeHeaders.length; i += 2) {
			headers.add(this.handshakeHeaders[i], this.handshakeHeaders[i + 1]);
		}
		return HttpHeaders.readOnlyHttpHeaders(headers);
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.principal;
	}

	@Override
	public @Nullable InetSocketAddress getLocalAddress() {
		TomcatConnection connection = this.connection;
		return (connection != null) ? connection.localAddress() : null;
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		TomcatConnection connection = this.connection;
		return (connection != null) ? connection.remoteAddress() : null;
	}

	@Override
	public @Nullable String getAcceptedProtocol() {
		return this.acceptedProtocol;
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
		// the endpoint's limit applies; it is not set per session
	}

	@Override
	public int getTextMessageSizeLimit() {
		TomcatConnection connection = this.connection;
		return (connection != null) ? connection.maxMessageBytes() : 0;
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getBinaryMessageSizeLimit() {
		return getTextMessageSizeLimit();
	}

	@Override
	public List<WebSocketExtension> getExtensions() {
		return List.of();
	}

	@Override
	public void sendMessage(WebSocketMessage<?> message) throws IOException {
		byte[] frame;
		if (message instanceof TextMessage text) {
			frame = new TextFrame(text.getPayload()).wire();
		}
		else {
			frame = TextFrame.encode(WebSocketMessages.opcode(message), WebSocketMessages.payload(message));
		}
		TomcatConnection connection = this.connection;
		if (connection == null || !connection.send(frame)) {
			throw new IOException("WebSocket session " + this.id + " is closed");
		}
	}

	@Override
	public void suspendReading() {
		TomcatConnection connection = this.connection;
		if (connection != null) {
			connection.suspendReading();
		}
	}

	@Override
	public void resumeReading() {
		TomcatConnection connection = this.connection;
		if (connection != null) {
			connection.resumeReading();
		}
	}

	@Override
	public boolean isOpen() {
		TomcatConnection connection = this.connection;
		return connection != null && connection.isOpen();
	}

	@Override
	public void close() throws IOException {
		close(CloseStatus.NORMAL);
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		TomcatConnection connection = this.connection;
		if (connection != null) {
			connection.close(status);
		}
	}

	@Override
	public String toString() {
		return "ConnectionSession[id=" + this.id + ", uri=" + this.uri + "]";
	}

	/**
	 * The session's frames, queued within the endpoint's limits.
	 */
	private final class Sender implements FrameSender {

		@Override
		public boolean send(String frame) {
			return send(new TextFrame(frame));
		}

		@Override
		public boolean send(TextFrame frame) {
			TomcatConnection connection = ConnectionSession.this.connection;
			return connection != null && connection.send(frame.wire());
		}

		@Override
		public void close() {
			// the connection drops what is queued when it closes
		}

		@Override
		public long framesSent() {
			TomcatConnection connection = ConnectionSession.this.connection;
			return (connection != null) ? connection.framesSent() : 0;
		}

	}

}
