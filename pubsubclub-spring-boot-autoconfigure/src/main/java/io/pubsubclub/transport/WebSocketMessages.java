package io.pubsubclub.transport;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketMessage;

/**
 * Spring's {@link WebSocketMessage}s to and from frames, for both sides of the transport:
 * what a {@link FrameReader} decoded becomes the message a handler gets, and a message a
 * handler sends becomes the opcode and payload of the frame its session writes (masked on
 * the client side, not on the server side: the sessions encode).
 *
 * @author PubSubClub
 */
final class WebSocketMessages {

	private WebSocketMessages() {
	}

	/**
	 * Return the message of a decoded data frame (or of the frames of a fragmented one),
	 * whose payload is {@code length} bytes of {@code buffer} from {@code start}: copied,
	 * since the buffer is the reader's and is used again.
	 */
	static WebSocketMessage<?> received(boolean text, byte[] buffer, int start, int length) {
		return text ? new TextMessage(new String(buffer, start, length, StandardCharsets.UTF_8))
				: new BinaryMessage(Arrays.copyOfRange(buffer, start, start + length));
	}

	/**
	 * Return the opcode (with FIN) of the frame that sends a message other than text.
	 * @throws IllegalArgumentException for a message type no frame carries
	 */
	static byte opcode(WebSocketMessage<?> message) {
		if (message instanceof BinaryMessage) {
			return (byte) 0x82;
		}
		if (message instanceof PingMessage) {
			return (byte) 0x89;
		}
		if (message instanceof PongMessage) {
			return (byte) 0x8A;
		}
		throw new IllegalArgumentException("Unexpected WebSocket message type: " + message);
	}

	/**
	 * Return a copy of the payload of a message other than text, leaving its buffer's
	 * position as it was.
	 */
	static byte[] payload(WebSocketMessage<?> message) {
		ByteBuffer payload = ((ByteBuffer) message.getPayload()).duplicate();
		byte[] bytes = new byte[payload.remaining()];
		payload.get(bytes);
		return bytes;
	}

}
