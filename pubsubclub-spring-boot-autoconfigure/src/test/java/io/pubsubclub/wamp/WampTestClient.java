package io.pubsubclub.wamp;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WAMP v1 test client over Spring's standard WebSocket client, offering the
 * {@code wamp} subprotocol.
 */
final class WampTestClient implements AutoCloseable {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final long TIMEOUT_SECONDS = 10;

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final WebSocketSession session;

	private volatile @Nullable CloseStatus closeStatus;

	private final String sessionId;

	private final JsonNode welcome;

	private WampTestClient(URI uri) throws Exception {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(4 * 1024 * 1024);
		StandardWebSocketClient client = new StandardWebSocketClient(container);
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol("wamp");
		this.session = client.execute(new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) {
				WampTestClient.this.received.add(message.getPayload());
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				WampTestClient.this.closeStatus = status;
			}

		}, headers, uri).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		this.welcome = next();
		assertThat(this.welcome.get(0).intValue()).isEqualTo(0);
		this.sessionId = this.welcome.get(1).stringValue();
	}

	static WampTestClient connect(int port) throws Exception {
		return new WampTestClient(URI.create("ws://127.0.0.1:" + port + "/wamp"));
	}

	static WampTestClient connect(URI uri) throws Exception {
		return new WampTestClient(uri);
	}

	String id() {
		return this.sessionId;
	}

	/** The WELCOME this session was greeted with. */
	JsonNode welcome() {
		return this.welcome;
	}

	WebSocketSession webSocket() {
		return this.session;
	}

	@Nullable CloseStatus closeStatus() {
		return this.closeStatus;
	}

	void send(Object... frame) throws Exception {
		sendText(JSON.writeValueAsString(Arrays.asList(frame)));
	}

	void sendText(String text) throws Exception {
		synchronized (this.session) {
			this.session.sendMessage(new TextMessage(text));
		}
	}

	void sendBinary(byte[] bytes) throws Exception {
		synchronized (this.session) {
			this.session.sendMessage(new BinaryMessage(bytes));
		}
	}

	JsonNode next() throws Exception {
		String text = this.received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(text).as("a message within %ss", TIMEOUT_SECONDS).isNotNull();
		return JSON.readTree(text);
	}

	String nextText() throws Exception {
		String text = this.received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(text).as("a message within %ss", TIMEOUT_SECONDS).isNotNull();
		return text;
	}

	/**
	 * Return the events received before the EVENT whose payload is the marker, and
	 * consume the marker.
	 */
	List<JsonNode> eventsUntil(String marker) throws Exception {
		List<JsonNode> events = new ArrayList<>();
		while (true) {
			JsonNode message = next();
			if (message.get(0).intValue() == 8 && message.get(2).isString()
					&& marker.equals(message.get(2).stringValue())) {
				return events;
			}
			events.add(message);
		}
	}

	int pending() {
		return this.received.size();
	}

	boolean isOpen() {
		return this.session.isOpen() && this.closeStatus == null;
	}

	static Duration timeout() {
		return Duration.ofSeconds(TIMEOUT_SECONDS);
	}

	@Override
	public void close() throws Exception {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}
