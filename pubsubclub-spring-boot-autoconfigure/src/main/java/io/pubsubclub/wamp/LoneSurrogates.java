package io.pubsubclub.wamp;

/**
 * Unpaired UTF-16 surrogates, which JSON lets a client write as a unicode escape and
 * Jackson writes back as the raw character. No UTF-8 encoder takes a raw one: a frame
 * holding it cannot be sent, and the container closes the receiving session (or cluster
 * link) instead. Events get them escaped again, as Python's {@code json.dumps} writes
 * them; topics holding one are refused (a URI has no business with one).
 *
 * @author PubSubClub
 */
final class LoneSurrogates {

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private LoneSurrogates() {
	}

	/**
	 * Whether the JSON text of a client message may decode to a lone surrogate: only an
	 * escape can bring one, a WebSocket text frame is valid UTF-8.
	 * @param payload a message as received
	 * @return {@code false} if no decoded string of it can hold a lone surrogate
	 */
	static boolean possibleIn(String payload) {
		return payload.indexOf("\\u") >= 0;
	}

	/**
	 * Return whether the text holds a surrogate that is not part of a pair.
	 * @param text any text
	 * @return {@code true} if it cannot be encoded as UTF-8
	 */
	static boolean in(String text) {
		return indexOfLone(text, 0) >= 0;
	}

	/**
	 * Escape every lone surrogate of JSON text as a unicode escape. A raw surrogate
	 * can only stand inside a string literal of JSON text, where the escape means the same.
	 * @param json JSON text
	 * @return the same text if it has none
	 */
	static String escape(String json) {
		int lone = indexOfLone(json, 0);
		if (lone < 0) {
			return json;
		}
		StringBuilder escaped = new StringBuilder(json.length() + 16);
		int from = 0;
		while (lone >= 0) {
			char c = json.charAt(lone);
			escaped.append(json, from, lone)
				.append("\\u")
				.append(HEX[(c >> 12) & 0xF])
				.append(HEX[(c >> 8) & 0xF])
				.append(HEX[(c >> 4) & 0xF])
				.append(HEX[c & 0xF]);
			from = lone + 1;
			lone = indexOfLone(json, from);
		}
		return escaped.append(json, from, json.length()).toString();
	}

	private static int indexOfLone(String text, int from) {
		for (int i = from; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c)) {
				if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
					i++;
					continue;
				}
				return i;
			}
			if (Character.isLowSurrogate(c)) {
				return i;
			}
		}
		return -1;
	}

}
