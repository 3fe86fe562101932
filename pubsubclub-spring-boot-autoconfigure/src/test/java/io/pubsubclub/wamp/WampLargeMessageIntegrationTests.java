package io.pubsubclub.wamp;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Large messages with the default maximum message size (64 KB), on the default transport:
 * the starter's own, which reads whole messages of any length into no per-session buffer.
 * {@link WampLargeMessageContainerTransportIntegrationTests} runs the same on Tomcat's
 * JSR-356 transport, where messages longer than its text buffer reach the handler in parts.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "server.address=127.0.0.1")
class WampLargeMessageIntegrationTests extends WampServerTestBase {

	private static final int LIMIT = 64 * 1024;

	private String subscribe(WampTestClient subscriber) throws Exception {
		String topic = "http://example.com/large#" + UUID.randomUUID();
		subscriber.send(5, topic);
		await().atMost(WampTestClient.timeout())
			.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == 1);
		return topic;
	}

	/**
	 * A PUBLISH frame of exactly {@code length} characters whose event is a string of
	 * ASCII and non-ASCII (two-, three- and four-byte UTF-8) characters.
	 */
	private static String publishOfLength(String topic, int length) {
		String head = "[7,\"" + topic + "\",\"";
		String tail = "\"]";
		StringBuilder event = new StringBuilder();
		int room = length - head.length() - tail.length();
		while (event.length() < room) {
			int left = room - event.length();
			event.append((left >= 5) ? "aé€\uD83D\uDE00" : "a".repeat(left));
		}
		String frame = head + event + tail;
		assertThat(frame).hasSize(length);
		return frame;
	}

	private static String event(WampTestClient subscriber) throws Exception {
		return subscriber.next().get(2).stringValue();
	}

	private static String eventOf(String publish) {
		return publish.substring(publish.indexOf(",\"", 4) + 2, publish.length() - 2);
	}

	@Test
	void sessionHasTheSmallTextBuffer() throws Exception {
		assertThat(textBuffer()).as("no JSR-356 session, no text buffer").isEqualTo(-1);
	}

	int textBuffer() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "b", "http://example.com/rpc#textBuffer");
			JsonNode result = client.next();
			assertThat(result.get(0).intValue()).isEqualTo(3);
			return result.get(2).intValue();
		}
	}

	@Test
	void messageJustOverTheBufferIsDeliveredIntact() throws Exception {
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			String topic = subscribe(subscriber);
			int buffer = WampWebSocketHandler.TOMCAT_TEXT_BUFFER_SIZE;
			for (int length : new int[] { buffer, buffer + 1, 2 * buffer + 3 }) {
				String publish = publishOfLength(topic, length);
				publisher.sendText(publish);
				assertThat(event(subscriber)).isEqualTo(eventOf(publish));
			}
			assertThat(publisher.closeStatus()).isNull();
		}
	}

	@Test
	void messageLongerThanTheContainerBufferIsDeliveredIntact() throws Exception {
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			String topic = subscribe(subscriber);
			String publish = publishOfLength(topic, 40 * 1024);
			publisher.sendText(publish);
			assertThat(event(subscriber)).isEqualTo(eventOf(publish));
			publisher.send(7, topic, "small after large");
			assertThat(event(subscriber)).isEqualTo("small after large");
			assertThat(publisher.closeStatus()).isNull();
		}
	}

	@Test
	void messageSentInSeveralFramesIsAssembled() throws Exception {
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			String topic = subscribe(subscriber);
			String publish = "[7,\"" + topic + "\",\"in three frames: é€\"]";
			int split = publish.indexOf("three");
			WebSocketSession webSocket = publisher.webSocket();
			synchronized (webSocket) {
				webSocket.sendMessage(new TextMessage(publish.substring(0, 3), false));
				webSocket.sendMessage(new TextMessage(publish.substring(3, split), false));
				webSocket.sendMessage(new TextMessage(publish.substring(split), true));
			}
			assertThat(event(subscriber)).isEqualTo("in three frames: é€");
			publisher.send(7, topic, "one frame");
			assertThat(event(subscriber)).isEqualTo("one frame");
		}
	}

	@Test
	void messageAtTheLimitPassesAndOneJustOverItClosesWith1009() throws Exception {
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			String topic = subscribe(subscriber);
			String atLimit = publishOfLength(topic, LIMIT);
			publisher.sendText(atLimit);
			assertThat(event(subscriber)).isEqualTo(eventOf(atLimit));
			long before = this.metrics.getBadFrames(BadFrame.TOO_BIG);
			publisher.sendText(publishOfLength(topic, LIMIT + 1));
			await().atMost(WampTestClient.timeout()).until(() -> publisher.closeStatus() != null);
			assertThat(publisher.closeStatus().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
			assertThat(publisher.closeStatus().getReason()).isEqualTo("message too big");
			assertThat(this.metrics.getBadFrames(BadFrame.TOO_BIG)).isEqualTo(before + 1);
			subscriber.send(7, topic, "still here", false);
			assertThat(event(subscriber)).isEqualTo("still here");
		}
	}

}
