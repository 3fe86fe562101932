package io.pubsubclub.transport;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payloads of close frames: a reason too long for a control frame is cut, and cut
 * between characters, since a peer fails a close frame whose reason is not UTF-8 (RFC 6455
 * 5.5.1; Autobahn|Testsuite 7.5.1).
 */
class CloseFramesTests {

	@Test
	void payloadIsTheCodeThenTheReason() {
		byte[] payload = CloseFrames.payload(new CloseStatus(1013, "slow consumer"));
		assertThat(payload[0] & 0xFF).isEqualTo(1013 >>> 8);
		assertThat(payload[1] & 0xFF).isEqualTo(1013 & 0xFF);
		assertThat(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8)).isEqualTo("slow consumer");
	}

	@Test
	void longReasonIsCutToFitAControlFrame() {
		byte[] payload = CloseFrames.payload(new CloseStatus(1000, "x".repeat(200)));
		assertThat(payload).hasSize(125);
	}

	@Test
	void longReasonIsCutBetweenCharacters() throws CharacterCodingException {
		// two, three and four bytes a character, each cut at every byte a character spans
		for (String character : new String[] { "é", "€", "\uD83D\uDE00" }) {
			for (int prefix = 0; prefix < 4; prefix++) {
				String reason = "a".repeat(prefix) + character.repeat(130);
				byte[] payload = CloseFrames.payload(new CloseStatus(1000, reason));
				assertThat(payload.length).as(reason).isLessThanOrEqualTo(125).isGreaterThan(125 - 4);
				String decoded = StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(Arrays.copyOfRange(payload, 2, payload.length)))
					.toString();
				assertThat(reason).startsWith(decoded);
			}
		}
	}

	@Test
	void answerIsTheCodeAloneOrNothing() {
		assertThat(CloseFrames.answer(CloseFrames.received(1001, "going"))).containsExactly(1001 >>> 8, 1001 & 0xFF);
		assertThat(CloseFrames.answer(CloseFrames.received(1005, ""))).isEmpty();
	}

}
