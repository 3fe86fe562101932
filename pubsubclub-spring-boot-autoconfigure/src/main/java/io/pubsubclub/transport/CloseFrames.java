package io.pubsubclub.transport;

import java.nio.charset.StandardCharsets;

import org.springframework.web.socket.CloseStatus;

/**
 * The payloads of close frames, for either side of a connection: the one that starts a
 * closing handshake, and the one that answers the peer's.
 *
 * @author PubSubClub
 */
final class CloseFrames {

	private static final byte[] NO_PAYLOAD = new byte[0];

	private CloseFrames() {
	}

	/** The most bytes of reason a close frame holds: a control frame's 125, less the code. */
	static final int MAX_REASON_BYTES = 123;

	/**
	 * Return the payload of a close frame for the status: its code, then its reason in
	 * UTF-8, cut to the {@value #MAX_REASON_BYTES} bytes a control frame leaves for it, and
	 * cut between characters, since a peer fails a close frame whose reason is not UTF-8.
	 */
	static byte[] payload(CloseStatus status) {
		byte[] reason = (status.getReason() != null) ? status.getReason().getBytes(StandardCharsets.UTF_8)
				: NO_PAYLOAD;
		int length = reason.length;
		if (length > MAX_REASON_BYTES) {
			length = MAX_REASON_BYTES;
			// not inside a character: back off to the byte that starts one (not 10xxxxxx)
			while (length > 0 && (reason[length] & 0xC0) == 0x80) {
				length--;
			}
		}
		byte[] payload = new byte[2 + length];
		payload[0] = (byte) (status.getCode() >>> 8);
		payload[1] = (byte) status.getCode();
		System.arraycopy(reason, 0, payload, 2, payload.length - 2);
		return payload;
	}

	/**
	 * Return the status of the peer's close frame, whose answer it is too.
	 */
	static CloseStatus received(int code, String reason) {
		return (code == CloseStatus.NO_STATUS_CODE.getCode()) ? CloseStatus.NO_STATUS_CODE
				: new CloseStatus(code, reason);
	}

	/**
	 * Return the payload of the answer to the peer's close frame: its code alone, or
	 * nothing when it had none (RFC 6455 5.5.1).
	 */
	static byte[] answer(CloseStatus received) {
		int code = received.getCode();
		return (received == CloseStatus.NO_STATUS_CODE) ? NO_PAYLOAD : new byte[] { (byte) (code >>> 8), (byte) code };
	}

}
