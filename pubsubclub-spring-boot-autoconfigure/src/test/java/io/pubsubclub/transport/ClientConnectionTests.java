package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.http.HttpHeaders;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ClientConnection} against a scripted server on a loopback socket: messages reach
 * the handler on the connection's reading thread, the closing handshake both ways, a
 * server that breaks the protocol, and a sender that outruns a server that stops reading.
 */
class ClientConnectionTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private ServerSocket listener;

	private final Handler handler = new Handler();

	@BeforeEach
	void setUp() throws IOException {
		this.listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
	}

	@AfterEach
	void tearDown() throws IOException {
		this.listener.close();
	}

	private ClientSettings settings(long sendBufferSize, Duration sendTimeLimit) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory("test-link-");
		threads.setDaemon(true);
		return new ClientSettings(64 * 1024, sendBufferSize, sendTimeLimit, Duration.ofSeconds(5), null, null,
				threads);
	}

	private ClientConnection dial(ClientSettings settings) throws IOException {
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Test", "1");
		return ClientConnection.open(URI.create("ws://127.0.0.1:" + this.listener.getLocalPort() + "/"), headers,
				settings);
	}

	@Test
	void messagesReachTheHandlerOnTheConnectionsReadingThread() throws Exception {
		CompletableFuture<Socket> accepted = serve();
		ClientConnection connection = dial(settings(64 * 1024, Duration.ofSeconds(5)));
		try (Socket server = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			WebSocketSession session = connection.start(this.handler, new HashMap<>());
			server.getOutputStream().write(TextFrame.encode((byte) 0x81, "first".getBytes(StandardCharsets.UTF_8)));
			server.getOutputStream().write(TextFrame.encode((byte) 0x81, "second".getBytes(StandardCharsets.UTF_8)));
			await().atMost(WAIT).until(() -> this.handler.messages.size() == 2);
			assertThat(this.handler.messages).containsExactly("first", "second");
			assertThat(this.handler.threads).allSatisfy((name) -> assertThat(name).startsWith("test-link-"));
			session.sendMessage(new TextMessage("answer"));
			assertThat(readFrame(server.getInputStream())).isEqualTo("1 answer");
		}
	}

	@Test
	void serversCloseIsAnsweredAndReported() throws Exception {
		CompletableFuture<Socket> accepted = serve();
		ClientConnection connection = dial(settings(64 * 1024, Duration.ofSeconds(5)));
		try (Socket server = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			connection.start(this.handler, new HashMap<>());
			server.getOutputStream().write(TextFrame.encode((byte) 0x88, new byte[] { 0x0F, (byte) 0xA1, 'b', 'y', 'e' }));
			assertThat(readFrame(server.getInputStream())).isEqualTo("8 4001");
			assertThat(this.handler.closes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4001);
		}
	}

	@Test
	void closeIsSentAndTheSocketClosedWhenTheServerAnswers() throws Exception {
		CompletableFuture<Socket> accepted = serve();
		ClientConnection connection = dial(settings(64 * 1024, Duration.ofSeconds(5)));
		try (Socket server = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			WebSocketSession session = connection.start(this.handler, new HashMap<>());
			session.close(new CloseStatus(4002, "ping timeout"));
			assertThat(session.isOpen()).isFalse();
			assertThat(readFrame(server.getInputStream())).isEqualTo("8 4002");
			server.getOutputStream().write(TextFrame.encode((byte) 0x88, new byte[] { 0x0F, (byte) 0xA2 }));
			assertThat(this.handler.closes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4002);
			assertThat(server.getInputStream().read()).isEqualTo(-1);
		}
	}

	@Test
	void maskedFrameFromTheServerFailsTheConnectionWith1002() throws Exception {
		CompletableFuture<Socket> accepted = serve();
		ClientConnection connection = dial(settings(64 * 1024, Duration.ofSeconds(5)));
		try (Socket server = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			connection.start(this.handler, new HashMap<>());
			server.getOutputStream().write(MaskedFrame.text("masked"));
			assertThat(readFrame(server.getInputStream())).isEqualTo("8 1002");
			assertThat(this.handler.closes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1002);
			assertThat(this.handler.messages).isEmpty();
		}
	}

	@Test
	void senderThatOutrunsAServerThatStopsReadingIsCutOffWith1013() throws Exception {
		CompletableFuture<Socket> accepted = serve();
		ClientConnection connection = dial(settings(64 * 1024, Duration.ofSeconds(1)));
		try (Socket server = accepted.get(WAIT.toSeconds(), TimeUnit.SECONDS)) {
			WebSocketSession session = connection.start(this.handler, new HashMap<>());
			AtomicInteger overflows = new AtomicInteger();
			List<OutboundBuffer.Overflow> reasons = new CopyOnWriteArrayList<>();
			FrameSender sender = ((FrameSenderSource) session).frameSender((s, reason) -> {
				overflows.incrementAndGet();
				reasons.add(reason);
			});
			String frame = "x".repeat(8 * 1024);
			int sent = 0;
			// the server reads nothing: the socket buffers fill, then the 64 KB queue
			while (sender.send(frame)) {
				sent++;
				assertThat(sent).as("frames taken").isLessThan(100_000);
			}
			assertThat(sender.send(frame)).isFalse();
			assertThat(overflows).hasValue(1);
			assertThat(this.handler.closes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1013);
			assertThat(reasons).hasSize(1).first().isIn(OutboundBuffer.Overflow.BUFFER, OutboundBuffer.Overflow.SEND_TIME);
		}
	}

	@Test
	void refusedUpgradeFailsTheDialWithTheStatus() throws Exception {
		Thread server = new Thread(() -> {
			try (Socket socket = this.listener.accept()) {
				readHead(socket.getInputStream());
				socket.getOutputStream()
					.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			}
			catch (IOException ex) {
				// the test fails on its own
			}
		});
		server.start();
		try {
			dial(settings(64 * 1024, Duration.ofSeconds(5)));
			throw new AssertionError("dial should fail");
		}
		catch (IOException ex) {
			assertThat(ex.getMessage()).contains("[401]");
		}
		server.join(WAIT.toMillis());
	}

	// on a thread of its own: the dial waits for the answer
	private CompletableFuture<Socket> serve() {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return upgrade(this.listener.accept());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	// reads the request, answers 101
	private static Socket upgrade(Socket socket) throws IOException {
		String head = readHead(socket.getInputStream());
		assertThat(head).contains("\r\nX-Test: 1\r\n");
		String key = head.lines()
			.filter((line) -> line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:"))
			.findFirst()
			.orElseThrow()
			.substring("sec-websocket-key:".length())
			.trim();
		socket.getOutputStream()
			.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + ClientHandshake.accept(key) + "\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
		socket.setSoTimeout((int) WAIT.toMillis());
		return socket;
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
			int next = in.read();
			if (next < 0) {
				throw new IOException("closed");
			}
			head.write(next);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Read one masked frame: "OPCODE text" for a data frame, "8 CODE" for a close.
	 */
	private static String readFrame(InputStream in) throws IOException {
		int first = in.read();
		int second = in.read();
		assertThat(second & 0x80).as("masked").isNotZero();
		int length = second & 0x7F;
		if (length == 126) {
			length = (in.read() << 8) | in.read();
		}
		byte[] mask = in.readNBytes(4);
		byte[] payload = in.readNBytes(length);
		for (int i = 0; i < length; i++) {
			payload[i] ^= mask[i & 3];
		}
		int opcode = first & 0x0F;
		if (opcode == 8) {
			return "8 " + (((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF));
		}
		return opcode + " " + new String(payload, StandardCharsets.UTF_8);
	}

	static final class Handler extends TextWebSocketHandler {

		final List<String> messages = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			this.messages.add(message.getPayload());
			this.threads.add(Thread.currentThread().getName());
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.closes.add(status.getCode());
		}

	}

}
