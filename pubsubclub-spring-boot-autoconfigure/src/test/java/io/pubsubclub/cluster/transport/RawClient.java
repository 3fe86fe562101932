package io.pubsubclub.cluster.transport;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bare WebSocket client playing a Python node: it sends and receives exactly the
 * frames a test gives it, and nothing else (no role header, no pings of its own).
 */
final class RawClient extends AbstractWebSocketHandler implements AutoCloseable {

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	final BlockingQueue<ByteBuffer> pongs = new LinkedBlockingQueue<>();

	volatile CloseStatus closeStatus;

	private final WebSocketSession session;

	private RawClient(int port) throws Exception {
		this.session = new StandardWebSocketClient()
			.execute(this, new WebSocketHttpHeaders(), URI.create("ws://127.0.0.1:" + port + "/"))
			.get(10, TimeUnit.SECONDS);
	}

	static RawClient connect(int port) throws Exception {
		return new RawClient(port);
	}

	void send(String frame) throws Exception {
		this.session.sendMessage(new TextMessage(frame));
	}

	void ping() throws Exception {
		this.session.sendMessage(new PingMessage(ByteBuffer.wrap(new byte[] { 1, 2, 3 })));
	}

	String next() throws InterruptedException {
		String frame = this.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10s").isNotNull();
		return frame;
	}

	CloseStatus awaitClose() {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.closeStatus != null);
		return this.closeStatus;
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		this.frames.add(message.getPayload());
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		this.pongs.add(message.getPayload());
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.closeStatus = status;
	}

	@Override
	public void close() throws Exception {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}
