package io.pubsubclub.wamp.auth;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What WAMP-CRA makes of the arguments a client sent: Python's truth for {@code extra}, as
 * Autobahn checks it, the kind of a value for an error description, and an auth key as it
 * may be logged.
 *
 * @author PubSubClub
 */
final class CraArguments {

	private static final int LOGGED_KEY_LENGTH = 64;

	private CraArguments() {
	}

	// Python's truth: None, False, 0, "", [] and {} are all "no extra"
	static boolean truthy(@Nullable JsonNode node) {
		if (node == null || node.isNull()) {
			return false;
		}
		if (node.isBoolean()) {
			return node.booleanValue();
		}
		if (node.isNumber()) {
			return node.doubleValue() != 0;
		}
		if (node.isString()) {
			return !node.stringValue().isEmpty();
		}
		return !node.isEmpty();
	}

	static String kind(JsonNode node) {
		return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * Return an auth key as it may be logged: shortened, control characters escaped.
	 */
	static String shown(String authKey) {
		StringBuilder shown = new StringBuilder();
		int end = Math.min(authKey.length(), LOGGED_KEY_LENGTH);
		for (int i = 0; i < end; i++) {
			char c = authKey.charAt(i);
			if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
				shown.append(String.format("\\u%04x", (int) c));
			}
			else {
				shown.append(c);
			}
		}
		if (authKey.length() > end) {
			shown.append("...(").append(authKey.length()).append(" chars)");
		}
		return shown.toString();
	}

	static boolean unpairedSurrogate(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				return true;
			}
		}
		return false;
	}

}
