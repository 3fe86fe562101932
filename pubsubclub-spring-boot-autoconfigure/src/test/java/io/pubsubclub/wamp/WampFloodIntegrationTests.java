package io.pubsubclub.wamp;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client floods a topic with large events as fast as its socket takes them; readers
 * that read steadily, far faster than the publish budget, get every event and stay open:
 * the publisher is slowed (its socket is not read while it is over budget), the readers'
 * outbound buffers do not overflow.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-buffer-size=256KB",
				"pubsubclub.wamp.limits.publish-rate=1MB" })
@DirtiesContext
class WampFloodIntegrationTests {

	private static final String TOPIC = "http://example.com/topic#flood";

	private static final int EVENTS = 120;

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Test
	void aFloodingPublisherIsSlowedAndReadersThatKeepUpSurvive() throws Exception {
		SteadyReader first = new SteadyReader(this.port);
		SteadyReader second = new SteadyReader(this.port);
		try (WampTestClient publisher = WampTestClient.connect(this.port)) {
			first.subscribe(TOPIC);
			second.subscribe(TOPIC);
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(TOPIC, 0) == 2);
			long slowCloses = this.server.getMetrics().getSlowSessionCloses();
			String payload = "x".repeat(30 * 1024);
			for (int i = 0; i < EVENTS; i++) {
				publisher.sendText("[7,\"" + TOPIC + "\",\"" + i + payload + "\"]");
			}
			publisher.send(7, TOPIC, "end");
			for (SteadyReader reader : new SteadyReader[] { first, second }) {
				for (int i = 0; i < EVENTS; i++) {
					String event = reader.next();
					assertThat(event).as("event %s", i).startsWith("[8,\"" + TOPIC + "\",\"" + i + "xxx");
				}
				assertThat(reader.next()).isEqualTo("[8,\"" + TOPIC + "\",\"end\"]");
				assertThat(reader.closeStatus).isNull();
			}
			assertThat(this.server.getMetrics().getSlowSessionCloses()).isEqualTo(slowCloses);
			assertThat(this.server.getMetrics().getPublishesSlowed()).isGreaterThan(0);
			assertThat(publisher.isOpen()).isTrue();
		}
		finally {
			first.close();
			second.close();
		}
	}

	/**
	 * A reader that takes about a millisecond per message: some 30 MB/s of these events,
	 * far above the publish budget, far below what loopback can carry.
	 */
	static final class SteadyReader {

		private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		private final WebSocketSession session;

		volatile @Nullable CloseStatus closeStatus;

		SteadyReader(int port) throws Exception {
			WebSocketContainer container = ContainerProvider.getWebSocketContainer();
			container.setDefaultMaxTextMessageBufferSize(4 * 1024 * 1024);
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setSecWebSocketProtocol("wamp");
			this.session = new StandardWebSocketClient(container).execute(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
					SteadyReader.this.received.add(message.getPayload());
					Thread.sleep(1);
				}

				@Override
				public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
					SteadyReader.this.closeStatus = status;
				}

			}, headers, URI.create("ws://127.0.0.1:" + port + "/wamp")).get(10, TimeUnit.SECONDS);
			assertThat(next()).startsWith("[0,");
		}

		void subscribe(String topic) throws Exception {
			this.session.sendMessage(new TextMessage("[5,\"" + topic + "\"]"));
		}

		String next() throws Exception {
			String text = this.received.poll(30, TimeUnit.SECONDS);
			assertThat(text).as("a message (closed: %s)", this.closeStatus).isNotNull();
			return text;
		}

		void close() throws Exception {
			if (this.session.isOpen()) {
				this.session.close();
			}
		}

	}

}
