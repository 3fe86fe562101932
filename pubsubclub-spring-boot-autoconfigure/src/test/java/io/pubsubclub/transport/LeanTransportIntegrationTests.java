package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.WebSocketWire;
import io.pubsubclub.wamp.WampServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WAMP endpoint on the starter's own transport, spoken to frame by frame: the
 * handshake, RFC 6455's rules on what a client sends, control frames, the closing
 * handshake, and a stalled socket. The application's own endpoint beside it stays on
 * Tomcat's JSR-356 transport.
 */
@SpringBootTest(classes = LeanTransportIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-time-limit=4s",
				"pubsubclub.wamp.send-buffer-size=64MB", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.limits.publish-rate=1GB" })
class LeanTransportIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	/** As in the properties above. */
	private static final Duration SEND_TIME_LIMIT = Duration.ofSeconds(4);

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	TestApplication application;

	private static String topic() {
		return "http://example.com/lean#" + UUID.randomUUID();
	}

	private RawWebSocket session() throws IOException {
		RawWebSocket session = RawWebSocket.wamp(this.port);
		assertThat(session.status).isEqualTo(101);
		assertThat(session.nextText()).startsWith("[0,\"");
		return session;
	}

	private void subscribed(String topic, int count) {
		await().atMost(TIMEOUT).until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == count);
	}

	@Test
	void handshakeSelectsWampAndDeclinesPermessageDeflate() throws Exception {
		try (RawWebSocket session = RawWebSocket.wamp(this.port)) {
			assertThat(session.status).isEqualTo(101);
			assertThat(session.headers).containsEntry("sec-websocket-protocol", "wamp");
			assertThat(session.headers).doesNotContainKey("sec-websocket-extensions");
			WebSocketWire.Frame welcome = session.next();
			assertThat(welcome.rsv()).as("not compressed").isZero();
			assertThat(welcome.text()).startsWith("[0,\"").endsWith(",1,\"PubSubClub/0.1\"]");
		}
	}

	@Test
	void applicationsOwnEndpointStaysOnTheContainersTransportWithItsExtensions() throws Exception {
		try (RawWebSocket echo = RawWebSocket.open(this.port, "/echo",
				"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
			assertThat(echo.status).isEqualTo(101);
			assertThat(echo.headers.get("sec-websocket-extensions")).startsWith("permessage-deflate");
			await().atMost(TIMEOUT).until(() -> this.application.echoSession.get() != null);
			assertThat(this.application.echoSession.get()).isInstanceOf(NativeWebSocketSession.class);
		}
	}

	@Test
	void publishesSentInOneWriteAllArriveInOrder() throws Exception {
		String topic = topic();
		try (RawWebSocket subscriber = session(); RawWebSocket publisher = session()) {
			subscriber.sendText("[5,\"" + topic + "\"]");
			subscribed(topic, 1);
			ByteArrayOutputStream burst = new ByteArrayOutputStream();
			for (int i = 0; i < 500; i++) {
				burst.writeBytes(WebSocketWire.frame(true, 0, 1,
						("[7,\"" + topic + "\"," + i + "]").getBytes(StandardCharsets.UTF_8), true));
			}
			byte[] bytes = burst.toByteArray();
			// cut at odd places, so that frames and headers straddle the reads
			for (int at = 0; at < bytes.length; at += 997) {
				publisher.write(java.util.Arrays.copyOfRange(bytes, at, Math.min(at + 997, bytes.length)));
			}
			for (int i = 0; i < 500; i++) {
				assertThat(subscriber.nextText()).isEqualTo("[8,\"" + topic + "\"," + i + "]");
			}
		}
	}

	@Test
	void fragmentedMessageWithAPingInsideIsAssembledAndThePingAnswered() throws Exception {
		String topic = topic();
		try (RawWebSocket subscriber = session(); RawWebSocket publisher = session()) {
			subscriber.sendText("[5,\"" + topic + "\"]");
			subscribed(topic, 1);
			byte[] publish = ("[7,\"" + topic + "\",\"é€\uD83D\uDE00 in parts\"]").getBytes(StandardCharsets.UTF_8);
			int cut = publish.length - 12;
			publisher.send(false, 0, 1, java.util.Arrays.copyOfRange(publish, 0, 5), true);
			publisher.send(true, 0, 9, "ping!".getBytes(StandardCharsets.UTF_8), true);
			// a cut inside a multi-byte character
			publisher.send(false, 0, 0, java.util.Arrays.copyOfRange(publish, 5, cut), true);
			publisher.send(true, 0, 0, java.util.Arrays.copyOfRange(publish, cut, publish.length), true);
			WebSocketWire.Frame pong = publisher.next();
			assertThat(pong.opcode()).isEqualTo(10);
			assertThat(pong.text()).isEqualTo("ping!");
			assertThat(subscriber.nextText()).isEqualTo("[8,\"" + topic + "\",\"é€\uD83D\uDE00 in parts\"]");
		}
	}

	@Test
	void framesAgainstTheRulesCloseTheSessionWith1002AndHarmNoOther() throws Exception {
		List<String> reasons = new ArrayList<>();
		record Bad(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
		}
		List<Bad> bad = List.of(new Bad(true, 0, 1, "[5,\"x\"]".getBytes(StandardCharsets.UTF_8), false),
				new Bad(true, 4, 1, "[5,\"x\"]".getBytes(StandardCharsets.UTF_8), true),
				new Bad(true, 0, 3, new byte[0], true), new Bad(true, 0, 0, "x".getBytes(StandardCharsets.UTF_8), true),
				new Bad(false, 0, 9, new byte[0], true), new Bad(true, 0, 9, new byte[126], true),
				new Bad(true, 0, 8, new byte[] { 3, (byte) 0xEE }, true));
		String topic = topic();
		long failedBefore = this.application.stalls().getFailedConnections();
		try (RawWebSocket bystander = session()) {
			bystander.sendText("[5,\"" + topic + "\"]");
			subscribed(topic, 1);
			for (Bad frame : bad) {
				try (RawWebSocket session = session()) {
					session.send(frame.fin(), frame.rsv(), frame.opcode(), frame.payload(), frame.masked());
					WebSocketWire.Frame close = session.closeFrame();
					assertThat(close.closeCode()).as(frame.toString()).isEqualTo(1002);
					reasons.add(close.closeReason());
					assertThat(session.endOfStream()).isTrue();
				}
			}
			try (RawWebSocket publisher = session()) {
				publisher.sendText("[7,\"" + topic + "\",\"still here\"]");
				assertThat(bystander.nextText()).isEqualTo("[8,\"" + topic + "\",\"still here\"]");
			}
		}
		assertThat(reasons).containsExactly("client frame not masked", "reserved bits set, no extension was negotiated",
				"unknown opcode 3", "continuation frame without a message",
				"control frame fragmented or longer than 125 bytes", "control frame fragmented or longer than 125 bytes",
				"close code 1006 is not allowed");
		assertThat(this.application.stalls().getFailedConnections()).as("counted").isEqualTo(failedBefore + bad.size());
	}

	@Test
	void textThatIsNotUtf8ClosesWith1007() throws Exception {
		try (RawWebSocket session = session()) {
			session.send(true, 0, 1, new byte[] { '[', 5, ',', (byte) 0xC3, (byte) 0x28, ']' }, true);
			WebSocketWire.Frame close = session.closeFrame();
			assertThat(close.closeCode()).isEqualTo(1007);
		}
	}

	@Test
	void frameOverTheMessageLimitClosesWith1009BeforeItsPayloadArrives() throws Exception {
		try (RawWebSocket session = session()) {
			byte[] frame = WebSocketWire.frame(true, 0, 1, new byte[3 * 16 * 1024 + 1], true);
			// only the header and the mask: the server must not wait for the rest
			session.write(java.util.Arrays.copyOf(frame, 14));
			WebSocketWire.Frame close = session.closeFrame();
			assertThat(close.closeCode()).isEqualTo(1009);
			assertThat(close.closeReason()).isEqualTo("message too big");
		}
	}

	@Test
	void closeFromTheClientIsEchoedAndTheConnectionEnds() throws Exception {
		try (RawWebSocket session = session()) {
			int before = this.server.getSessionCount();
			session.send(true, 0, 8, new byte[] { 3, (byte) 0xE8, 'b', 'y', 'e' }, true);
			WebSocketWire.Frame close = session.closeFrame();
			assertThat(close.closeCode()).isEqualTo(1000);
			assertThat(session.endOfStream()).isTrue();
			await().atMost(TIMEOUT).until(() -> this.server.getSessionCount() == before - 1);
		}
	}

	@Test
	void sessionWhoseSocketStallsIsCutOffWithoutAnotherSend() throws Exception {
		String topic = topic();
		try (RawWebSocket stalled = session(); RawWebSocket reader = session()) {
			stalled.sendText("[5,\"" + topic + "\"]");
			reader.sendText("[5,\"" + topic + "\"]");
			subscribed(topic, 2);
			long closesBefore = this.server.getMetrics().getSlowSessionCloses();
			String event = "x".repeat(8000);
			int sent = 0;
			boolean stallWatched = false;
			long deadline = System.nanoTime() + TIMEOUT.toNanos();
			// the stalled session never reads: fill its socket, then send nothing more while a
			// stall is watched, so that the stall watch alone cuts it off. A stall of the reader
			// (it reads each batch after it is sent) stays counted until the watch's next sweep:
			// publishing goes on once it is gone, until the session that never reads stalls
			while (this.server.getMetrics().getSlowSessionCloses() == closesBefore) {
				assertThat(System.nanoTime()).as("cut off in time").isLessThan(deadline);
				if (this.application.stalls().getStalledSessions() > 0 || sent >= 4000) {
					stallWatched |= this.application.stalls().getStalledSessions() > 0;
					Thread.sleep(50);
					continue;
				}
				try (RawWebSocket publisher = session()) {
					for (int i = 0; i < 50; i++) {
						publisher.sendText("[7,\"" + topic + "\",\"" + event + "\"]");
					}
					sent += 50;
					for (int i = 0; i < 50; i++) {
						reader.nextText();
					}
				}
			}
			assertThat(this.server.getMetrics().getSlowSessionCloses()).isEqualTo(closesBefore + 1);
			assertThat(stallWatched).as("the stall was watched").isTrue();
			subscribed(topic, 1);
			try (RawWebSocket publisher = session()) {
				publisher.sendText("[7,\"" + topic + "\",\"after\"]");
				assertThat(reader.nextText()).isEqualTo("[8,\"" + topic + "\",\"after\"]");
			}
		}
	}

	@Test
	void slowReaderThatKeepsTakingIsNotCutOffPastTheSendTimeLimit() throws Exception {
		// the send-time limit (4 s here) is generous against a reader starved of CPU on a
		// loaded machine; the reading, paced, keeps a backlog for about twice as long, so
		// that a stall clock not reset by each write the socket takes cuts the reader off
		String topic = topic();
		String payload = "z".repeat(4000);
		// 48 MB: far more than the kernel's socket buffers hold, so the backlog is the server's
		int events = 12_000;
		try (RawWebSocket reader = session(); RawWebSocket publisher = session()) {
			reader.sendText("[5,\"" + topic + "\"]");
			subscribed(topic, 1);
			long closesBefore = this.server.getMetrics().getSlowSessionCloses();
			Thread flood = new Thread(() -> {
				try {
					for (int i = 0; i < events; i++) {
						publisher.sendText("[7,\"" + topic + "\",\"" + i + payload + "\"]");
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			flood.start();
			// with the publish budget raised a backlog forms: the reader's socket stalls
			await().atMost(TIMEOUT).until(() -> this.application.stalls().getStalledSessions() > 0);
			long firstStall = System.nanoTime();
			long lastStall = firstStall;
			// then slower than the publisher, for longer than the send-time limit, but never
			// still: the socket takes bytes again in time, each time
			for (int i = 0; i < events; i++) {
				assertThat(reader.nextText()).isEqualTo("[8,\"" + topic + "\",\"" + i + payload + "\"]");
				if (i % 40 == 39) {
					if (this.application.stalls().getStalledSessions() > 0) {
						lastStall = System.nanoTime();
					}
					Thread.sleep(30);
				}
			}
			flood.join();
			assertThat(this.server.getMetrics().getSlowSessionCloses()).isEqualTo(closesBefore);
			// the test proves something only if the backlog outlasted the limit
			assertThat(Duration.ofNanos(lastStall - firstStall)).as("stalled again after the send-time limit")
				.isGreaterThan(SEND_TIME_LIMIT.plusSeconds(1));
		}
	}

	@Test
	void idleConnectionCostsAboutNineteenKilobytesOfHeap() throws Exception {
		// README: "about 19 KB of heap per idle connection"; the client's sockets are in this
		// JVM too, so the bound is generous, yet an extra 64 KB per connection breaks it
		int count = 200;
		List<RawWebSocket> sessions = new ArrayList<>();
		try {
			long before = usedHeap();
			for (int i = 0; i < count; i++) {
				sessions.add(session());
			}
			long perConnection = (usedHeap() - before) / count;
			assertThat(perConnection).as("heap per idle connection, bytes").isLessThan(40 * 1024);
		}
		finally {
			for (RawWebSocket session : sessions) {
				session.close();
			}
		}
	}

	private static long usedHeap() {
		Runtime runtime = Runtime.getRuntime();
		long used = Long.MAX_VALUE;
		// the least of a few measures, each after a full collection: garbage that other
		// threads make meanwhile only adds
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
		}
		return used;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		final AtomicReference<WebSocketSession> echoSession = new AtomicReference<>();

		@Autowired
		TomcatUpgradeStrategy strategy;

		TomcatUpgradeStrategy stalls() {
			return this.strategy;
		}

		@Bean
		WebSocketConfigurer echoEndpoint() {
			return (registry) -> registry.addHandler(new TextWebSocketHandler() {

				@Override
				public void afterConnectionEstablished(WebSocketSession session) {
					TestApplication.this.echoSession.set(session);
				}

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
					session.sendMessage(message);
				}

			}, "/echo");
		}

	}

}
