package io.pubsubclub.transport;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Decodes the frames a client sends (RFC 6455 5.2), or those a server sends when made
 * for a client's connection (unmasked: a masked frame then fails the connection), from whatever pieces the socket gives,
 * one state per header field as Netty's {@code WebSocket08FrameDecoder} does, and checks
 * each field the moment it is complete: reserved bits, opcode and fragmentation rules on
 * the first byte; the mask bit, a control frame's length and the message size limit on the
 * length; text is validated as UTF-8 as its bytes arrive, so an invalid byte fails the
 * connection at once, not when the message ends.
 * <p>
 * <b>Bounds.</b> Whatever the client sends, a reader holds at most {@code maxMessageBytes}
 * (the message being assembled, allocated only once its length is checked, and only when a
 * frame is split across reads or a message across frames) plus one control frame's payload
 * (125 bytes) plus its fields. A frame that arrives whole in one read is handed on from the
 * caller's buffer with no copy. The first error ends decoding for good: the reader reports
 * it once and ignores whatever follows, and so it does after a close frame.
 * <p>
 * Not thread-safe: one read at a time, which Tomcat guarantees for a connection.
 *
 * @author PubSubClub
 */
final class FrameReader {

	/** What a reader finds in the stream. */
	interface Listener {

		/**
		 * A whole text (valid UTF-8) or binary message, in {@code buffer[start, start + length)}
		 * which is the listener's only for the call.
		 */
		void message(boolean text, byte[] buffer, int start, int length);

		void ping(byte[] payload);

		void pong(byte[] payload);

		/**
		 * A valid close frame; {@code code} is 1005 when it has no payload.
		 */
		void close(int code, String reason);

		/**
		 * The client broke the protocol: fail the connection with the status (1002, 1007
		 * or 1009).
		 */
		void failed(CloseStatus status);

	}

	static final int OPCODE_CONTINUATION = 0;

	static final int OPCODE_TEXT = 1;

	static final int OPCODE_BINARY = 2;

	static final int OPCODE_CLOSE = 8;

	static final int OPCODE_PING = 9;

	static final int OPCODE_PONG = 10;

	private static final int FIRST_BYTE = 0;

	private static final int LENGTH = 1;

	private static final int EXTENDED_LENGTH = 2;

	private static final int MASKING_KEY = 3;

	private static final int PAYLOAD = 4;

	private static final int DONE = 5;

	private static final byte[] EMPTY = new byte[0];

	private final int maxMessageBytes;

	private final Listener listener;

	// frames come masked (a server reading a client) or not (a client reading a server)
	private final boolean masked;

	private int state = FIRST_BYTE;

	// the frame being read
	private boolean fin;

	private int opcode;

	private int fieldBytesLeft;

	private long payloadLength;

	private int mask;

	private int payloadRead;

	// the message being read: its opcode once its first frame came, 0 between messages
	private int messageOpcode;

	private byte @Nullable [] message;

	private int messageLength;

	private int utf8 = Utf8Validator.ACCEPT;

	private byte @Nullable [] control;

	FrameReader(int maxMessageBytes, Listener listener) {
		this(maxMessageBytes, true, listener);
	}

	/**
	 * Create a reader.
	 * @param maxMessageBytes the largest message, in bytes
	 * @param masked whether frames must be masked (a server reading a client) or must not
	 * be (a client reading a server)
	 * @param listener what is told of the frames
	 */
	FrameReader(int maxMessageBytes, boolean masked, Listener listener) {
		this.maxMessageBytes = maxMessageBytes;
		this.masked = masked;
		this.listener = listener;
	}

	/**
	 * Decode the bytes, whatever their cut: frames completed by them are reported, the rest
	 * is kept for the next call. The payload bytes in {@code buffer} are unmasked in place.
	 */
	void read(byte[] buffer, int start, int length) {
		int position = start;
		int end = start + length;
		while (position < end && this.state != DONE) {
			switch (this.state) {
				case FIRST_BYTE -> firstByte(buffer[position++] & 0xFF);
				case LENGTH -> length(buffer[position++] & 0xFF);
				case EXTENDED_LENGTH -> {
					this.payloadLength = (this.payloadLength << 8) | (buffer[position++] & 0xFF);
					if (--this.fieldBytesLeft == 0) {
						lengthComplete();
					}
				}
				case MASKING_KEY -> {
					this.mask = (this.mask << 8) | (buffer[position++] & 0xFF);
					if (--this.fieldBytesLeft == 0) {
						payloadStart();
					}
				}
				default -> position = payload(buffer, position, end);
			}
		}
	}

	private void firstByte(int first) {
		this.fin = (first & 0x80) != 0;
		this.opcode = first & 0x0F;
		if ((first & 0x70) != 0) {
			protocolError("reserved bits set, no extension was negotiated");
		}
		else if (this.opcode >= OPCODE_CLOSE) {
			if (this.opcode > OPCODE_PONG) {
				protocolError("unknown opcode " + this.opcode);
			}
			else if (!this.fin) {
				protocolError("control frame fragmented or longer than 125 bytes");
			}
			else {
				this.state = LENGTH;
			}
		}
		else if (this.opcode > OPCODE_BINARY) {
			protocolError("unknown opcode " + this.opcode);
		}
		else if (this.opcode == OPCODE_CONTINUATION && this.messageOpcode == 0) {
			protocolError("continuation frame without a message");
		}
		else if (this.opcode != OPCODE_CONTINUATION && this.messageOpcode != 0) {
			protocolError("new message before the last one ended");
		}
		else {
			this.state = LENGTH;
		}
	}

	private void length(int second) {
		if (((second & 0x80) != 0) != this.masked) {
			protocolError(this.masked ? "client frame not masked" : "server frame masked");
			return;
		}
		int length7 = second & 0x7F;
		if (this.opcode >= OPCODE_CLOSE && length7 > 125) {
			protocolError("control frame fragmented or longer than 125 bytes");
			return;
		}
		this.payloadLength = (length7 < 126) ? length7 : 0;
		if (length7 < 126) {
			lengthComplete();
		}
		else {
			this.fieldBytesLeft = (length7 == 126) ? 2 : 8;
			this.state = EXTENDED_LENGTH;
		}
	}

	private void lengthComplete() {
		if (this.payloadLength < 0) {
			protocolError("frame length out of range");
		}
		else if (this.opcode < OPCODE_CLOSE && this.messageLength + this.payloadLength > this.maxMessageBytes) {
			fail(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
		}
		else {
			this.mask = 0;
			if (this.masked) {
				this.fieldBytesLeft = 4;
				this.state = MASKING_KEY;
			}
			else {
				payloadStart();
			}
		}
	}

	private void payloadStart() {
		this.payloadRead = 0;
		this.state = PAYLOAD;
		if (this.opcode != OPCODE_CONTINUATION && this.opcode < OPCODE_CLOSE) {
			this.messageOpcode = this.opcode;
		}
		if (this.payloadLength == 0) {
			frameComplete(EMPTY, 0);
		}
	}

	/**
	 * Read payload bytes.
	 * @return the position after what was used
	 */
	private int payload(byte[] buffer, int position, int end) {
		int length = (int) this.payloadLength;
		int wanted = length - this.payloadRead;
		int available = Math.min(wanted, end - position);
		if (this.opcode >= OPCODE_CLOSE) {
			byte[] control = this.control;
			if (control == null) {
				control = new byte[length];
				this.control = control;
			}
			unmask(buffer, position, control, this.payloadRead, available);
			this.payloadRead += available;
			if (this.payloadRead == length) {
				this.control = null;
				frameComplete(control, length);
			}
			return position + available;
		}
		if (this.payloadRead == 0 && available == length && this.fin && this.messageLength == 0) {
			// the whole message in the caller's buffer: no copy
			unmask(buffer, position, buffer, position, length);
			if (this.messageOpcode == OPCODE_TEXT) {
				this.utf8 = Utf8Validator.validate(this.utf8, buffer, position, length);
			}
			this.payloadRead = length;
			messageComplete(buffer, position, length);
			return position + length;
		}
		byte[] message = messageBuffer(length);
		int at = this.messageLength + this.payloadRead;
		unmask(buffer, position, message, at, available);
		this.payloadRead += available;
		if (this.messageOpcode == OPCODE_TEXT) {
			this.utf8 = Utf8Validator.validate(this.utf8, message, at, available);
			if (this.utf8 == Utf8Validator.REJECT) {
				fail(CloseStatus.BAD_DATA.withReason("text message is not valid UTF-8"));
				return end;
			}
		}
		if (this.payloadRead == length) {
			frameComplete(message, 0);
		}
		return position + available;
	}

	/**
	 * The array the message is assembled in, with room for this frame: its length was
	 * checked against the limit before.
	 */
	private byte[] messageBuffer(int frameLength) {
		byte[] message = this.message;
		int needed = this.messageLength + frameLength;
		if (message == null || message.length < needed) {
			int size = this.fin ? needed
					: Math.max(needed, (message != null) ? Math.min(message.length * 2, this.maxMessageBytes) : 0);
			message = (message != null) ? Arrays.copyOf(message, size) : new byte[size];
			this.message = message;
		}
		return message;
	}

	private void unmask(byte[] from, int fromStart, byte[] to, int toStart, int length) {
		if (!this.masked) {
			if (from != to || fromStart != toStart) {
				System.arraycopy(from, fromStart, to, toStart, length);
			}
			return;
		}
		// the key turned so that its first byte is the one for the first byte here
		int mask = Integer.rotateLeft(this.mask, 8 * (this.payloadRead & 3));
		byte m0 = (byte) (mask >>> 24);
		byte m1 = (byte) (mask >>> 16);
		byte m2 = (byte) (mask >>> 8);
		byte m3 = (byte) mask;
		int i = 0;
		for (; i + 4 <= length; i += 4) {
			to[toStart + i] = (byte) (from[fromStart + i] ^ m0);
			to[toStart + i + 1] = (byte) (from[fromStart + i + 1] ^ m1);
			to[toStart + i + 2] = (byte) (from[fromStart + i + 2] ^ m2);
			to[toStart + i + 3] = (byte) (from[fromStart + i + 3] ^ m3);
		}
		for (; i < length; i++) {
			to[toStart + i] = (byte) (from[fromStart + i] ^ (mask >>> (24 - 8 * (i & 3))));
		}
	}

	private void frameComplete(byte[] payload, int start) {
		this.state = FIRST_BYTE;
		int length = (int) this.payloadLength;
		switch (this.opcode) {
			case OPCODE_PING -> this.listener.ping(payload);
			case OPCODE_PONG -> this.listener.pong(payload);
			case OPCODE_CLOSE -> closeFrame(payload);
			default -> {
				this.messageLength += length;
				if (this.fin) {
					byte[] message = (this.message != null) ? this.message : payload;
					messageComplete(message, start, this.messageLength);
				}
				else if (this.messageOpcode == OPCODE_TEXT && this.utf8 == Utf8Validator.REJECT) {
					fail(CloseStatus.BAD_DATA.withReason("text message is not valid UTF-8"));
				}
			}
		}
	}

	private void messageComplete(byte[] buffer, int start, int length) {
		boolean text = this.messageOpcode == OPCODE_TEXT;
		int utf8 = this.utf8;
		this.state = FIRST_BYTE;
		this.messageOpcode = 0;
		this.message = null;
		this.messageLength = 0;
		this.utf8 = Utf8Validator.ACCEPT;
		if (text && utf8 != Utf8Validator.ACCEPT) {
			fail(CloseStatus.BAD_DATA.withReason("text message is not valid UTF-8"));
			return;
		}
		this.listener.message(text, buffer, start, length);
	}

	private void closeFrame(byte[] payload) {
		if (payload.length == 0) {
			this.state = DONE;
			this.listener.close(CloseStatus.NO_STATUS_CODE.getCode(), "");
			return;
		}
		if (payload.length == 1) {
			protocolError("close frame with a one-byte payload");
			return;
		}
		int code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
		if (!validCloseCode(code)) {
			protocolError("close code " + code + " is not allowed");
			return;
		}
		if (Utf8Validator.validate(Utf8Validator.ACCEPT, payload, 2, payload.length - 2) != Utf8Validator.ACCEPT) {
			fail(CloseStatus.BAD_DATA.withReason("close reason is not valid UTF-8"));
			return;
		}
		this.state = DONE;
		this.listener.close(code, new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8));
	}

	static boolean validCloseCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	private void protocolError(String why) {
		fail(CloseStatus.PROTOCOL_ERROR.withReason(why));
	}

	private void fail(CloseStatus status) {
		this.state = DONE;
		this.message = null;
		this.control = null;
		this.listener.failed(status);
	}

	/**
	 * Drop what is held: the connection is over.
	 */
	void release() {
		this.state = DONE;
		this.message = null;
		this.control = null;
	}

	/**
	 * Return the bytes of payload this reader holds now, for tests of its bound.
	 */
	int heldBytes() {
		byte[] message = this.message;
		byte[] control = this.control;
		return ((message != null) ? message.length : 0) + ((control != null) ? control.length : 0);
	}

}
