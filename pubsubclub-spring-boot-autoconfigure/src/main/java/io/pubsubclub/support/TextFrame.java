package io.pubsubclub.support;

import java.nio.charset.StandardCharsets;

/**
 * A text frame built once and handed to every recipient: its text for a transport that
 * takes strings, and, made on first use and then shared, the bytes a server writes on the
 * wire (RFC 6455 header and UTF-8 payload, unmasked), so that a publish to many sessions
 * is encoded once rather than once per session.
 *
 * @author PubSubClub
 */
public final class TextFrame {

	private static final byte FIN_TEXT = (byte) 0x81;

	private final String text;

	// a benign race: two threads may both encode it, and either result is right
	private byte @org.jspecify.annotations.Nullable [] wire;

	/**
	 * Create a frame holding the given text, which holds no unpaired surrogate.
	 * @param text the frame's text
	 */
	public TextFrame(String text) {
		this.text = text;
	}

	/**
	 * Return the frame's text.
	 * @return the text
	 */
	public String text() {
		return this.text;
	}

	/**
	 * Return the frame as a server writes it: header and UTF-8 payload. The array is
	 * shared: never modify it.
	 * @return the frame's bytes on the wire
	 */
	public byte[] wire() {
		byte[] wire = this.wire;
		if (wire == null) {
			wire = encode(FIN_TEXT, this.text.getBytes(StandardCharsets.UTF_8));
			this.wire = wire;
		}
		return wire;
	}

	/**
	 * Encode one unmasked frame, as a server sends it.
	 * @param finAndOpcode the first byte: FIN bit and opcode
	 * @param payload the payload
	 * @return the frame's bytes
	 */
	public static byte[] encode(byte finAndOpcode, byte[] payload) {
		int length = payload.length;
		int header = (length < 126) ? 2 : (length <= 0xFFFF) ? 4 : 10;
		byte[] frame = new byte[header + length];
		frame[0] = finAndOpcode;
		if (length < 126) {
			frame[1] = (byte) length;
		}
		else if (length <= 0xFFFF) {
			frame[1] = 126;
			frame[2] = (byte) (length >>> 8);
			frame[3] = (byte) length;
		}
		else {
			frame[1] = 127;
			for (int i = 0; i < 8; i++) {
				frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
			}
		}
		System.arraycopy(payload, 0, frame, header, length);
		return frame;
	}

	/**
	 * Return the length of the frame's text, a cheap measure of its size.
	 * @return the number of characters
	 */
	public int length() {
		return this.text.length();
	}

	@Override
	public String toString() {
		return this.text;
	}

}
