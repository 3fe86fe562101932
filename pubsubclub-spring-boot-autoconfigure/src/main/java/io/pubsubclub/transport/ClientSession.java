package io.pubsubclub.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The {@link WebSocketSession} of a {@link ClientConnection}. Its sends never block: a
 * frame is masked, queued within the connection's send limits and written by the
 * connection's writing thread.
 *
 * @author PubSubClub
 */
final class ClientSession implements WebSocketSession, FrameSenderSource {

	private static final AtomicLong ids = new AtomicLong();

	private final String id = "c" + Long.toHexString(ids.incrementAndGet());

	private final ClientConnection connection;

	private final URI uri;

	private final HttpHeaders requestHeaders;

	private final Map<String, Object> attributes;

	private volatile @Nullable BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow;

	ClientSession(ClientConnection connection, URI uri, HttpHeaders requestHeaders, Map<String, Object> attributes) {
		this.connection = connection;
		this.uri = uri;
		this.requestHeaders = requestHeaders;
		this.attributes = attributes;
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
	 * Return the headers of the upgrade request this node sent.
	 */
	@Override
	public HttpHeaders getHandshakeHeaders() {
		return this.requestHeaders;
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return null;
	}

	@Override
	public @Nullable InetSocketAddress getLocalAddress() {
		return this.connection.localAddress();
	}

	@Override
	public @Nullable InetSocketAddress getRemoteAddress() {
		return this.connection.remoteAddress();
	}

	@Override
	public @Nullable String getAcceptedProtocol() {
		return null;
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
		// the connection's limit applies
	}

	@Override
	public int getTextMessageSizeLimit() {
		return this.connection.maxMessageBytes();
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
			frame = MaskedFrame.text(text.getPayload());
		}
		else {
			frame = MaskedFrame.encode(WebSocketMessages.opcode(message), WebSocketMessages.payload(message));
		}
		if (!this.connection.send(frame)) {
			throw new IOException("WebSocket session " + this.id + " is closed");
		}
	}

	@Override
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	@Override
	public void close() throws IOException {
		close(CloseStatus.NORMAL);
	}

	@Override
	public void close(CloseStatus status) throws IOException {
		this.connection.close(status);
	}

	@Override
	public String toString() {
		return "ClientSession[id=" + this.id + ", uri=" + this.uri + "]";
	}

	/**
	 * The session's frames, queued within the connection's limits.
	 */
	private final class Sender implements FrameSender {

		@Override
		public boolean send(String frame) {
			return ClientSession.this.connection.send(MaskedFrame.text(frame));
		}

		@Override
		public boolean send(TextFrame frame) {
			return send(frame.text());
		}

		@Override
		public void close() {
			// the connection drops what is queued when it closes
		}

		@Override
		public long framesSent() {
			return ClientSession.this.connection.framesSent();
		}

	}

}
