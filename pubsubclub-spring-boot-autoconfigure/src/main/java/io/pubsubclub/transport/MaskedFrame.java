package io.pubsubclub.transport;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Frames as a client writes them (RFC 6455 5.3): masked, each with a key of its own. The
 * key comes from {@link ThreadLocalRandom}, as in Netty's encoder: masking keeps a
 * browser's script from choosing the bytes an intermediary sees, and a connection this
 * starter dials carries no script's bytes, so a non-cryptographic source is enough.
 *
 * @author PubSubClub
 */
final class MaskedFrame {

	static final byte FIN_TEXT = (byte) 0x81;

	private MaskedFrame() {
	}

	/**
	 * Encode a text frame.
	 * @param text the text, which holds no unpaired surrogate
	 * @return the frame's bytes
	 */
	static byte[] text(String text) {
		return encode(FIN_TEXT, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Encode one masked frame.
	 * @param finAndOpcode the first byte: FIN bit and opcode
	 * @param payload the payload, left as it is
	 * @return the frame's bytes
	 */
	static byte[] encode(byte finAndOpcode, byte[] payload) {
		return encode(finAndOpcode, payload, ThreadLocalRandom.current().nextInt());
	}

	static byte[] encode(byte finAndOpcode, byte[] payload, int mask) {
		int length = payload.length;
		int header = ((length < 126) ? 2 : (length <= 0xFFFF) ? 4 : 10) + 4;
		byte[] frame = new byte[header + length];
		frame[0] = finAndOpcode;
		if (length < 126) {
			frame[1] = (byte) (0x80 | length);
		}
		else if (length <= 0xFFFF) {
			frame[1] = (byte) (0x80 | 126);
			frame[2] = (byte) (length >>> 8);
			frame[3] = (byte) length;
		}
		else {
			frame[1] = (byte) (0x80 | 127);
			for (int i = 0; i < 8; i++) {
				frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
			}
		}
		byte m0 = (byte) (mask >>> 24);
		byte m1 = (byte) (mask >>> 16);
		byte m2 = (byte) (mask >>> 8);
		byte m3 = (byte) mask;
		frame[header - 4] = m0;
		frame[header - 3] = m1;
		frame[header - 2] = m2;
		frame[header - 1] = m3;
		int i = 0;
		for (; i + 4 <= length; i += 4) {
			frame[header + i] = (byte) (payload[i] ^ m0);
			frame[header + i + 1] = (byte) (payload[i + 1] ^ m1);
			frame[header + i + 2] = (byte) (payload[i + 2] ^ m2);
			frame[header + i + 3] = (byte) (payload[i + 3] ^ m3);
		}
		for (; i < length; i++) {
			frame[header + i] = (byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
		}
		return frame;
	}

}
