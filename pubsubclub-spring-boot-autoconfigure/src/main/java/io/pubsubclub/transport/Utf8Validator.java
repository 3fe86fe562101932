package io.pubsubclub.transport;

/**
 * Validates UTF-8 byte by byte, carrying its state across frames and reads, so that a
 * text message is refused at its first invalid byte (Autobahn|Testsuite 6.4: fail fast)
 * rather than when it ends. Björn Höhrmann's DFA ("Flexible and Economical UTF-8 Decoder"):
 * overlong forms, surrogates and code points past U+10FFFF are refused. The state is one
 * {@code int}, kept by the caller.
 *
 * @author PubSubClub
 */
final class Utf8Validator {

	/** The state between whole characters. */
	static final int ACCEPT = 0;

	/** The state once a byte made the sequence invalid; it never leaves it. */
	static final int REJECT = 12;

	// bytes to character classes, then (state + class) to the next state
	private static final byte[] TABLE = table();

	private Utf8Validator() {
	}

	/**
	 * Advance the state over the given bytes.
	 * @param state the state after the bytes before them
	 * @return the state after them; {@link #REJECT} as soon as one is invalid
	 */
	static int validate(int state, byte[] bytes, int start, int length) {
		int i = start;
		int end = start + length;
		while (i < end) {
			if (state == ACCEPT) {
				// ASCII runs need no table
				while (i < end && bytes[i] >= 0) {
					i++;
				}
				if (i == end) {
					return ACCEPT;
				}
			}
			int type = TABLE[bytes[i] & 0xFF];
			state = TABLE[256 + state + type];
			if (state == REJECT) {
				return REJECT;
			}
			i++;
		}
		return state;
	}

	private static byte[] table() {
		byte[] table = new byte[256 + 108];
		fill(table, 0x80, 0x8F, 1);
		fill(table, 0x90, 0x9F, 9);
		fill(table, 0xA0, 0xBF, 7);
		fill(table, 0xC0, 0xC1, 8);
		fill(table, 0xC2, 0xDF, 2);
		fill(table, 0xE0, 0xE0, 10);
		fill(table, 0xE1, 0xEC, 3);
		fill(table, 0xED, 0xED, 4);
		fill(table, 0xEE, 0xEF, 3);
		fill(table, 0xF0, 0xF0, 11);
		fill(table, 0xF1, 0xF3, 6);
		fill(table, 0xF4, 0xF4, 5);
		fill(table, 0xF5, 0xFF, 8);
		int[] transitions = { 0, 12, 24, 36, 60, 96, 84, 12, 12, 12, 48, 72, 12, 12, 12, 12, 12, 12, 12, 12, 12, 12,
				12, 12, 12, 0, 12, 12, 12, 12, 12, 0, 12, 0, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 24, 12, 12, 12,
				12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12, 12, 12, 24, 12, 12, 12, 12, 12,
				12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12, 12, 12, 36, 12, 36, 12, 12, 12, 36, 12, 12, 12,
				12, 12, 12, 12, 12, 12, 12 };
		for (int i = 0; i < transitions.length; i++) {
			table[256 + i] = (byte) transitions[i];
		}
		return table;
	}

	private static void fill(byte[] table, int from, int to, int type) {
		for (int b = from; b <= to; b++) {
			table[b] = (byte) type;
		}
	}

}
