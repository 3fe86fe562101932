package io.pubsubclub.transport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.TextFrame;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The client side's frames and handshake: {@link FrameReader} in client mode (unmasked
 * frames in, a masked one fails the connection), {@link MaskedFrame} (what a server's
 * reader decodes back), and {@link ClientHandshake} (what it sends, what answers it
 * refuses and how it says so).
 */
class ClientFramesTests {

	@Test
	void clientReaderDecodesUnmaskedFramesCutAnywhere() {
		byte[] first = TextFrame.encode((byte) 0x81, "héllo".getBytes(StandardCharsets.UTF_8));
		byte[] second = TextFrame.encode((byte) 0x81, "x".repeat(300).getBytes(StandardCharsets.UTF_8));
		byte[] stream = new byte[first.length + second.length];
		System.arraycopy(first, 0, stream, 0, first.length);
		System.arraycopy(second, 0, stream, first.length, second.length);
		for (int cut = 0; cut <= stream.length; cut++) {
			Recorder recorder = new Recorder();
			FrameReader reader = new FrameReader(1024, false, recorder);
			byte[] copy = stream.clone();
			reader.read(copy, 0, cut);
			reader.read(copy, cut, copy.length - cut);
			assertThat(recorder.events).as("cut at %d", cut).containsExactly("text héllo", "text " + "x".repeat(300));
		}
	}

	@Test
	void clientReaderFailsAMaskedFrame() {
		Recorder recorder = new Recorder();
		FrameReader reader = new FrameReader(1024, false, recorder);
		byte[] frame = MaskedFrame.text("[301,\"t\",1]");
		reader.read(frame, 0, frame.length);
		assertThat(recorder.events).containsExactly("failed 1002 server frame masked");
	}

	@Test
	void serverReaderStillFailsAnUnmaskedFrame() {
		Recorder recorder = new Recorder();
		FrameReader reader = new FrameReader(1024, recorder);
		byte[] frame = TextFrame.encode((byte) 0x81, "x".getBytes(StandardCharsets.UTF_8));
		reader.read(frame, 0, frame.length);
		assertThat(recorder.events).containsExactly("failed 1002 client frame not masked");
	}

	@Test
	void clientReaderHoldsTheLimit() {
		Recorder recorder = new Recorder();
		FrameReader reader = new FrameReader(100, false, recorder);
		byte[] frame = TextFrame.encode((byte) 0x81, "x".repeat(101).getBytes(StandardCharsets.UTF_8));
		reader.read(frame, 0, frame.length);
		assertThat(recorder.events).containsExactly("failed 1009 message too big");
	}

	@Test
	void maskedFramesOfEverySizeDecodeBackWithAServersReader() {
		for (int length : new int[] { 0, 1, 3, 4, 5, 125, 126, 65535, 65536, 70000 }) {
			String text = "é".repeat(length / 2) + "x".repeat(length % 2);
			byte[] frame = MaskedFrame.text(text);
			assertThat(frame[1] & 0x80).as("mask bit").isNotZero();
			Recorder recorder = new Recorder();
			new FrameReader(1 << 20, recorder).read(frame, 0, frame.length);
			assertThat(recorder.events).as("length %d", length).containsExactly("text " + text);
		}
	}

	@Test
	void eachFrameHasAKeyOfItsOwn() {
		byte[] one = MaskedFrame.text("same");
		byte[] two = MaskedFrame.text("same");
		byte[] three = MaskedFrame.text("same");
		// a key repeats by chance once in 2^32
		assertThat(List.of(key(one), key(two), key(three))).doesNotHaveDuplicates();
	}

	private static String key(byte[] frame) {
		return new String(frame, 2, 4, StandardCharsets.ISO_8859_1);
	}

	@Test
	void requestCarriesTheCallersHeadersAndItsOwnHandshake() {
		ClientHandshake handshake = new ClientHandshake();
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-PubSubClub-Role", "consumer");
		headers.add("Upgrade", "h2c");
		String request = new String(handshake.request(URI.create("ws://127.0.0.1:19000/"), headers),
				StandardCharsets.ISO_8859_1);
		assertThat(request).startsWith("GET / HTTP/1.1\r\nHost: 127.0.0.1:19000\r\n")
			.contains("\r\nUpgrade: websocket\r\n", "\r\nSec-WebSocket-Key: " + handshake.key() + "\r\n",
					"\r\nSec-WebSocket-Version: 13\r\n", "\r\nX-PubSubClub-Role: consumer\r\n")
			.doesNotContain("h2c")
			.endsWith("\r\n\r\n");
		assertThat(new String(new ClientHandshake().request(URI.create("ws://[::1]:19000"), headers),
				StandardCharsets.ISO_8859_1)).startsWith("GET / HTTP/1.1\r\nHost: [::1]:19000\r\n");
	}

	@Test
	void headerWithALineBreakIsRefused() {
		HttpHeaders headers = new HttpHeaders();
		headers.add("X-Evil", "a\r\nHost: elsewhere");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClientHandshake().request(URI.create("ws://127.0.0.1:1/"), headers));
	}

	@Test
	void acceptedUpgradeGivesTheResponseHeadersAndLeavesTheFramesBehindIt() throws IOException {
		ClientHandshake handshake = new ClientHandshake();
		byte[] head = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
				+ "Sec-WebSocket-Accept: " + ClientHandshake.accept(handshake.key()) + "\r\nX-Node: 7\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		byte[] stream = new byte[head.length + 2];
		System.arraycopy(head, 0, stream, 0, head.length);
		stream[head.length] = (byte) 0x81;
		ByteArrayInputStream in = new ByteArrayInputStream(stream);
		HttpHeaders response = handshake.response(in);
		assertThat(response.getFirst("X-Node")).isEqualTo("7");
		assertThat(in.read()).isEqualTo(0x81);
	}

	@Test
	void refusedUpgradeNamesTheStatus() {
		assertThatIOException().isThrownBy(() -> respond("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n"))
			.withMessageContaining("[401]");
	}

	@Test
	void wrongAcceptIsRefused() {
		assertThatIOException()
			.isThrownBy(() -> respond("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n\r\n"))
			.withMessageContaining("Sec-WebSocket-Accept");
	}

	@Test
	void responseHeadPastTheBoundIsRefused() {
		String endless = "HTTP/1.1 101 Switching Protocols\r\nX-Padding: " + "x".repeat(ClientHandshake.MAX_RESPONSE_HEAD);
		assertThatIOException().isThrownBy(() -> respond(endless)).withMessageContaining("over 8192 bytes");
	}

	@Test
	void connectionClosedDuringTheUpgradeIsReported() {
		assertThatIOException().isThrownBy(() -> respond("HTTP/1.1 101 Swi"))
			.withMessageContaining("closed the connection during the upgrade");
	}

	private static void respond(String response) throws IOException {
		new ClientHandshake().response(new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)));
	}

	static final class Recorder implements FrameReader.Listener {

		final List<String> events = new ArrayList<>();

		@Override
		public void message(boolean text, byte[] buffer, int start, int length) {
			this.events.add((text ? "text " : "binary ") + new String(buffer, start, length, StandardCharsets.UTF_8));
		}

		@Override
		public void ping(byte[] payload) {
			this.events.add("ping");
		}

		@Override
		public void pong(byte[] payload) {
			this.events.add("pong");
		}

		@Override
		public void close(int code, String reason) {
			this.events.add("close " + code);
		}

		@Override
		public void failed(CloseStatus status) {
			this.events.add("failed " + status.getCode() + " " + status.getReason());
		}

	}

}
