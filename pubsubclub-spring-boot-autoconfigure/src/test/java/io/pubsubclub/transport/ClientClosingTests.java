package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close frames a {@link ClientConnection} writes, through {@link ClientClosing} and a
 * real {@link BlockingWriter}: RFC 6455 allows a control frame 125 bytes, of which the
 * reason, valid UTF-8, takes at most 123; the answer to the server's close carries its
 * code alone. A second close is not queued.
 */
class ClientClosingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void longReasonIsCutBetweenCharactersNotInsideOne() throws Exception {
		// "é" is 2 bytes, "€" 3, "𝄞" 4: a cut at byte 123 falls inside a character at some
		// offset; every offset is tried
		for (String character : new String[] { "é", "€", "𝄞" }) {
			for (String prefix : new String[] { "", "a", "ab", "abc" }) {
				String reason = prefix + character.repeat(100);
				byte[] payload = written((closing) -> closing.start(new CloseStatus(1008, reason)));
				assertThat(payload.length).isLessThanOrEqualTo(125).isGreaterThan(125 - 4);
				assertThat((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)).isEqualTo(1008);
				assertThat(reason).startsWith(reason(payload));
			}
		}
	}

	@Test
	void serversCloseIsAnsweredWithItsCodeAlone() throws Exception {
		byte[] payload = written((closing) -> closing.received(4002, "ping timeout"));
		assertThat(payload).containsExactly(4002 >>> 8, 4002 & 0xFF);
		assertThat(written((closing) -> closing.received(CloseStatus.NO_STATUS_CODE.getCode(), ""))).isEmpty();
	}

	@Test
	void onlyTheFirstCloseIsQueued() throws Exception {
		byte[] payload = written((closing) -> {
			assertThat(closing.start(new CloseStatus(1001, "first"))).isTrue();
			assertThat(closing.start(new CloseStatus(1011, "second"))).isFalse();
			assertThat(closing.queue(new byte[] { (byte) 0x81, (byte) 0x80, 0, 0, 0, 0 })).isFalse();
		});
		assertThat(reason(payload)).isEqualTo("first");
	}

	/** What the writer puts on the wire for the action: one masked close frame, unmasked. */
	private static byte[] written(Action action) throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		CountDownLatch written = new CountDownLatch(1);
		BlockingWriter writer = new BlockingWriter(out, new BlockingWriter.Events() {

			@Override
			public void closeWritten() {
				written.countDown();
			}

			@Override
			public void writeFailed(IOException ex) {
			}

		});
		try (Socket unconnected = new Socket()) {
			ClientClosing closing = new ClientClosing(writer, unconnected);
			action.run(closing);
			Thread thread = new Thread(writer, "test-writer");
			thread.setDaemon(true);
			writer.start(thread);
			assertThat(written.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		}
		byte[] frame = out.toByteArray();
		assertThat(frame[0] & 0xFF).isEqualTo(0x88);
		assertThat(frame[1] & 0x80).isEqualTo(0x80);
		int length = frame[1] & 0x7F;
		assertThat(length).isLessThanOrEqualTo(125);
		assertThat(frame).hasSize(2 + 4 + length);
		byte[] payload = Arrays.copyOfRange(frame, 6, frame.length);
		for (int i = 0; i < payload.length; i++) {
			payload[i] ^= frame[2 + (i & 3)];
		}
		return payload;
	}

	private static String reason(byte[] payload) throws CharacterCodingException {
		// strict: a malformed sequence throws instead of becoming U+FFFD
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(payload, 2, payload.length - 2))
			.toString();
	}

	@FunctionalInterface
	private interface Action {

		void run(ClientClosing closing) throws Exception;

	}

}
