package io.pubsubclub.cluster;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WAMP client for tests of whole nodes: sends raw frames, queues the frames it gets,
 * and has read WELCOME once connected.
 */
public final class WampFrameClient extends TextWebSocketHandler implements AutoCloseable {

	/**
	 * Frames received and not yet taken.
	 */
	public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final WebSocketSession session;

	/** The WAMP session id the server's WELCOME named. */
	public final String sessionId;

	public WampFrameClient(URI uri) throws Exception {
		this(uri, new StandardWebSocketClient());
	}

	/**
	 * A client that takes whole messages of up to {@code textBufferSize} characters,
	 * whatever the container's default.
	 */
	public WampFrameClient(URI uri, int textBufferSize) throws Exception {
		this(uri, textBufferClient(textBufferSize));
	}

	private WampFrameClient(URI uri, StandardWebSocketClient client) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol("wamp");
		this.session = client.execute(this, headers, uri).get(10, TimeUnit.SECONDS);
		String welcome = next();
		assertThat(welcome).startsWith("[0,\"");
		this.sessionId = welcome.substring(4, welcome.indexOf('"', 4));
	}

	private static StandardWebSocketClient textBufferClient(int textBufferSize) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(textBufferSize);
		return new StandardWebSocketClient(container);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		this.frames.add(message.getPayload());
	}

	public void send(String frame) throws Exception {
		this.session.sendMessage(new TextMessage(frame));
	}

	public String next() throws InterruptedException {
		String frame = this.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10s").isNotNull();
		return frame;
	}

	@Override
	public void close() throws Exception {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}
