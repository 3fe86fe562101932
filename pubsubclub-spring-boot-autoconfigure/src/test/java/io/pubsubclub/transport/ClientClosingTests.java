package io.pubsubclub.transport;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The close frame's payload that {@link ClientClosing} writes: RFC 6455 allows 125 bytes,
 * of which the reason, valid UTF-8, takes at most 123.
 */
class ClientClosingTests {

	@Test
	void shortReasonIsKeptWhole() throws CharacterCodingException {
		byte[] payload = ClientClosing.payload(new CloseStatus(4002, "ping timeout"));
		assertThat(payload[0] & 0xFF).isEqualTo(4002 >>> 8);
		assertThat(payload[1] & 0xFF).isEqualTo(4002 & 0xFF);
		assertThat(reason(payload)).isEqualTo("ping timeout");
	}

	@Test
	void longReasonIsCutTo123Bytes() throws CharacterCodingException {
		byte[] payload = ClientClosing.payload(new CloseStatus(1008, "x".repeat(300)));
		assertThat(payload).hasSize(125);
		assertThat(reason(payload)).isEqualTo("x".repeat(123));
	}

	@Test
	void longReasonIsCutBetweenCharactersNotInsideOne() throws CharacterCodingException {
		// "é" is 2 bytes, "€" 3, "𝄞" 4: a cut at byte 123 would fall inside a character
		// at some offset; every offset is tried
		for (String character : new String[] { "é", "€", "𝄞" }) {
			for (String prefix : new String[] { "", "a", "ab", "abc" }) {
				String reason = prefix + character.repeat(100);
				byte[] payload = ClientClosing.payload(new CloseStatus(1008, reason));
				assertThat(payload.length).isLessThanOrEqualTo(125).isGreaterThan(125 - 4);
				assertThat(reason).startsWith(reason(payload));
			}
		}
	}

	private static String reason(byte[] payload) throws CharacterCodingException {
		// strict: a malformed sequence throws instead of becoming U+FFFD
		return StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT)
			.decode(ByteBuffer.wrap(payload, 2, payload.length - 2))
			.toString();
	}

}
