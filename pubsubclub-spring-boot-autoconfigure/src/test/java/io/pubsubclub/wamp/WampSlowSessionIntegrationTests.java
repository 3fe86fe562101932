package io.pubsubclub.wamp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session that stops reading is cut off (1013) and counted; the others go on.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-buffer-size=16KB",
				"pubsubclub.wamp.send-time-limit=2s" })
class WampSlowSessionIntegrationTests {

	private static final String FLOOD = "http://example.com/slow#flood";

	private static final String ALIVE = "http://example.com/slow#alive";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampServerMetrics metrics;

	@Autowired
	WampPublisher publisher;

	@Autowired
	WampTestApplication.Procedures procedures;

	@Test
	void sessionThatStopsReadingIsClosedAndCountedWhileOthersKeepReceiving() throws Exception {
		try (WampTestClient good = WampTestClient.connect(this.port); Socket slow = new Socket()) {
			good.send(5, ALIVE);
			good.send(5, FLOOD + "-other");
			slow.setReceiveBufferSize(4096);
			slow.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			slow.setSoTimeout(20_000);
			upgrade(slow);
			sendText(slow.getOutputStream(), "[5,\"" + FLOOD + "\"]");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(FLOOD, 0) == 1
						&& this.server.getTopicSubscriberCounts().containsKey(ALIVE));
			long before = this.metrics.getSlowSessionCloses();
			String payload = "x".repeat(4000);
			for (int i = 0; i < 50_000 && this.metrics.getSlowSessionCloses() == before; i++) {
				this.publisher.publish(FLOOD, payload);
			}
			assertThat(this.metrics.getSlowSessionCloses()).isEqualTo(before + 1);
			await().atMost(WampTestClient.timeout())
				.until(() -> !this.server.getTopicSubscriberCounts().containsKey(FLOOD));

			this.publisher.publish(ALIVE, "still here");
			assertThat(good.nextText()).isEqualTo("[8,\"" + ALIVE + "\",\"still here\"]");
			assertThat(good.isOpen()).isTrue();
			assertThat(readUntilClosed(slow.getInputStream())).isTrue();
		}
	}

	@Test
	void slowSessionIsClosedWhileEveryCallThreadIsBusy() throws Exception {
		this.procedures.blockRelease = new java.util.concurrent.CountDownLatch(1);
		this.procedures.blockStarted.clear();
		java.util.List<WampTestClient> callers = new java.util.ArrayList<>();
		try (Socket slow = new Socket()) {
			// more sessions with a blocked call than the call executor has threads (8)
			for (int i = 0; i < 10; i++) {
				WampTestClient caller = WampTestClient.connect(this.port);
				callers.add(caller);
				caller.send(2, "b", "http://example.com/rpc#block", "b" + i);
			}
			await().atMost(WampTestClient.timeout()).until(() -> this.procedures.blockStarted.size() == 8);
			slow.setReceiveBufferSize(4096);
			slow.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			slow.setSoTimeout(20_000);
			upgrade(slow);
			String topic = FLOOD + "-busy";
			sendText(slow.getOutputStream(), "[5,\"" + topic + "\"]");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == 1);
			long before = this.metrics.getSlowSessionCloses();
			String payload = "x".repeat(4000);
			for (int i = 0; i < 50_000 && this.metrics.getSlowSessionCloses() == before; i++) {
				this.publisher.publish(topic, payload);
			}
			assertThat(this.metrics.getSlowSessionCloses()).isEqualTo(before + 1);
			// the close does not wait for a call thread
			await().atMost(WampTestClient.timeout())
				.until(() -> !this.server.getTopicSubscriberCounts().containsKey(topic));
			assertThat(this.procedures.blockStarted).hasSize(8);
			assertThat(readUntilClosed(slow.getInputStream())).isTrue();
		}
		finally {
			this.procedures.blockRelease.countDown();
			for (WampTestClient caller : callers) {
				caller.close();
			}
		}
	}

	private void upgrade(Socket socket) throws IOException {
		String request = "GET /wamp HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wamp\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		InputStream in = socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			assertThat(b).isNotNegative();
			head.write(b);
		}
		assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101")
			.containsIgnoringCase("Sec-WebSocket-Protocol: wamp");
	}

	private static void sendText(OutputStream out, String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		assertThat(payload.length).isLessThan(126);
		byte[] mask = { 1, 2, 3, 4 };
		out.write(0x81);
		out.write(0x80 | payload.length);
		out.write(mask);
		for (int i = 0; i < payload.length; i++) {
			out.write(payload[i] ^ mask[i % 4]);
		}
		out.flush();
	}

	private static boolean readUntilClosed(InputStream in) throws IOException {
		byte[] buffer = new byte[64 * 1024];
		try {
			while (in.read(buffer) >= 0) {
				// discard what was sent before the server gave up
			}
			return true;
		}
		catch (SocketException ex) {
			return true;
		}
	}

}
