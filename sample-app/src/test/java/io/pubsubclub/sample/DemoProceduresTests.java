package io.pubsubclub.sample;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.WampServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's publish procedure, over real WAMP sessions.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class DemoProceduresTests {

	private static final String CHANNEL = "http://example.com/chat#room";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Test
	void publishProcedureDeliversToOtherSubscribersButNotTheCaller() throws Exception {
		Client caller = new Client(this.port);
		Client other = new Client(this.port);
		try {
			caller.send("[5,\"" + CHANNEL + "\"]");
			other.send("[5,\"" + CHANNEL + "\"]");
			await().atMost(10, TimeUnit.SECONDS)
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(CHANNEL, 0) == 2);
			caller.send("[1,\"demo\",\"http://example.com/pubsub#\"]");
			caller.send("[2,\"c1\",\"demo:publish\",{\"channel\":\"" + CHANNEL + "\",\"content\":{\"text\":\"hi\"}}]");
			assertThat(other.next()).isEqualTo("[8,\"" + CHANNEL + "\",{\"text\":\"hi\"}]");
			// the caller's next frame is the result, not the event
			assertThat(caller.next()).isEqualTo("[3,\"c1\",{}]");
			other.send("[2,\"c2\",\"http://example.com/pubsub#publish\",{\"channel\":\"" + CHANNEL
					+ "\",\"content\":\"back\"}]");
			assertThat(caller.next()).isEqualTo("[8,\"" + CHANNEL + "\",\"back\"]");
			assertThat(other.next()).isEqualTo("[3,\"c2\",{}]");
		}
		finally {
			caller.session.close();
			other.session.close();
		}
	}

	static final class Client {

		final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		final WebSocketSession session;

		Client(int port) throws Exception {
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setSecWebSocketProtocol("wamp");
			this.session = new StandardWebSocketClient().execute(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) {
					Client.this.received.add(message.getPayload());
				}

			}, headers, URI.create("ws://127.0.0.1:" + port + "/wamp")).get(10, TimeUnit.SECONDS);
			assertThat(this.session.getAcceptedProtocol()).isEqualTo("wamp");
			assertThat(next()).startsWith("[0,");
		}

		void send(String frame) throws Exception {
			this.session.sendMessage(new TextMessage(frame));
		}

		String next() throws Exception {
			String message = this.received.poll(10, TimeUnit.SECONDS);
			assertThat(message).isNotNull();
			return message;
		}

	}

}
