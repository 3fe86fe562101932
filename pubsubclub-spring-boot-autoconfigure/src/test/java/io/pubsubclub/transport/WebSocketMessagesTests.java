package io.pubsubclub.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WebSocketMessages}: messages to and from frames, for both sides.
 */
class WebSocketMessagesTests {

	@Test
	void aDecodedFrameBecomesAMessageThatOwnsItsPayload() {
		byte[] buffer = "..héllo..".getBytes(StandardCharsets.UTF_8);
		WebSocketMessage<?> text = WebSocketMessages.received(true, buffer, 2, buffer.length - 4);
		WebSocketMessage<?> binary = WebSocketMessages.received(false, buffer, 2, 3);
		buffer[2] = 'X';
		assertThat(text).isInstanceOf(TextMessage.class);
		assertThat(text.getPayload()).isEqualTo("héllo");
		assertThat(binary).isInstanceOf(BinaryMessage.class);
		assertThat(((ByteBuffer) binary.getPayload()).array()).containsExactly('h', 0xC3, 0xA9);
	}

	@Test
	void eachMessageTypeGetsItsOpcodeAndACopyOfItsPayload() {
		ByteBuffer payload = ByteBuffer.wrap(new byte[] { 0, 1, 2, 3 });
		payload.position(1);
		assertThat(WebSocketMessages.opcode(new BinaryMessage(payload))).isEqualTo((byte) 0x82);
		assertThat(WebSocketMessages.opcode(new PingMessage(payload))).isEqualTo((byte) 0x89);
		assertThat(WebSocketMessages.opcode(new PongMessage(payload))).isEqualTo((byte) 0x8A);
		assertThat(WebSocketMessages.payload(new PingMessage(payload))).containsExactly(1, 2, 3);
		assertThat(payload.position()).isEqualTo(1);
	}

	@Test
	void aMessageNoFrameCarriesIsRefused() {
		WebSocketMessage<String> other = new WebSocketMessage<>() {

			@Override
			public String getPayload() {
				return "";
			}

			@Override
			public int getPayloadLength() {
				return 0;
			}

			@Override
			public boolean isLast() {
				return true;
			}

		};
		assertThatIllegalArgumentException().isThrownBy(() -> WebSocketMessages.opcode(other))
			.withMessageContaining("Unexpected WebSocket message type");
	}

}
