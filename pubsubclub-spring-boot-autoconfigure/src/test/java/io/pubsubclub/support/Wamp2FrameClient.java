package io.pubsubclub.support;

import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A raw WAMP v2 client for tests: offers the subprotocols it is given (by default
 * {@code wamp.2.json}), sends frames as text and keeps what it receives, with helpers for
 * the common exchanges. Shared by the WAMP and cluster tests.
 */
public final class Wamp2FrameClient implements AutoCloseable {

	public static final JsonMapper JSON = JsonMapper.builder().build();

	private static final long TIMEOUT_SECONDS = 10;

	/** Frames received and not yet taken. */
	public final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final WebSocketSession session;

	private final AtomicLong requests = new AtomicLong();

	private volatile @Nullable CloseStatus closeStatus;

	private volatile long sessionId;

	private Wamp2FrameClient(URI uri, List<String> subprotocols) throws Exception {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(1024 * 1024);
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol(subprotocols);
		this.session = new StandardWebSocketClient(container).execute(new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) {
				Wamp2FrameClient.this.frames.add(message.getPayload());
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				Wamp2FrameClient.this.closeStatus = status;
			}

		}, headers, uri).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	/** Connect offering {@code wamp.2.json}, without HELLO. */
	public static Wamp2FrameClient connect(int port) throws Exception {
		return connect(port, List.of("wamp.2.json"));
	}

	/** Connect offering these subprotocols, in this order, without HELLO. */
	public static Wamp2FrameClient connect(int port, List<String> subprotocols) throws Exception {
		return new Wamp2FrameClient(URI.create("ws://127.0.0.1:" + port + "/wamp"), subprotocols);
	}

	/** Connect and join realm1 anonymously. */
	public static Wamp2FrameClient join(int port) throws Exception {
		Wamp2FrameClient client = connect(port);
		client.hello("realm1");
		JsonNode welcome = client.nextJson();
		assertThat(welcome.get(0).intValue()).as("WELCOME: %s", welcome).isEqualTo(2);
		client.sessionId = welcome.get(1).longValue();
		return client;
	}

	public void hello(String realm) throws Exception {
		send("[1,\"" + realm + "\",{\"roles\":{\"publisher\":{},\"subscriber\":{},\"caller\":{},\"callee\":{}}}]");
	}

	/** The session id WELCOME named. */
	public long id() {
		return this.sessionId;
	}

	public void id(long sessionId) {
		this.sessionId = sessionId;
	}

	public String acceptedProtocol() {
		return this.session.getAcceptedProtocol();
	}

	public long nextRequest() {
		return this.requests.incrementAndGet();
	}

	/** SUBSCRIBE and return the subscription id of the SUBSCRIBED. */
	public long subscribe(String topic) throws Exception {
		long request = nextRequest();
		send("[32," + request + ",{}," + JSON.writeValueAsString(topic) + "]");
		JsonNode subscribed = nextJson();
		assertThat(subscribed.get(0).intValue()).as("SUBSCRIBED: %s", subscribed).isEqualTo(33);
		assertThat(subscribed.get(1).longValue()).isEqualTo(request);
		return subscribed.get(2).longValue();
	}

	public void send(String frame) throws Exception {
		synchronized (this.session) {
			this.session.sendMessage(new TextMessage(frame));
		}
	}

	public String next() throws InterruptedException {
		String frame = this.frames.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within %ss", TIMEOUT_SECONDS).isNotNull();
		return frame;
	}

	public JsonNode nextJson() throws InterruptedException {
		return JSON.readTree(next());
	}

	public @Nullable CloseStatus closeStatus() {
		return this.closeStatus;
	}

	public boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public void close() throws Exception {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}
