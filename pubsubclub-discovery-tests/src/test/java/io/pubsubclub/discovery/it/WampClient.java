package io.pubsubclub.discovery.it;

import java.net.URI;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A minimal WAMPv1 client: waits for WELCOME, sends frames, collects what arrives.
 */
final class WampClient implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private final WebSocketSession session;

	WampClient(int httpPort) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setSecWebSocketProtocol("wamp");
		this.session = new StandardWebSocketClient().execute(new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) {
				WampClient.this.received.add(message.getPayload());
			}

		}, headers, URI.create("ws://127.0.0.1:" + httpPort + "/wamp")).get(10, TimeUnit.SECONDS);
		JsonNode welcome = next(10);
		if (welcome == null || welcome.get(0).intValue() != 0) {
			throw new IllegalStateException("No WELCOME but " + welcome);
		}
	}

	void send(Object... frame) throws Exception {
		synchronized (this.session) {
			this.session.sendMessage(new TextMessage(JSON.writeValueAsString(Arrays.asList(frame))));
		}
	}

	JsonNode next(long seconds) throws Exception {
		String text = this.received.poll(seconds, TimeUnit.SECONDS);
		return (text != null) ? JSON.readTree(text) : null;
	}

	@Override
	public void close() throws Exception {
		this.session.close();
	}

}
