package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Maps WAMP v2 topic and procedure URIs to the v1 form the registry, the procedures and
 * the cluster use ({@code pubsubclub.wamp.v2.topic-prefixes}): the longest v2 prefix that
 * starts a URI is replaced by its v1 prefix; a URI that no prefix covers is the same
 * string in both. Holds as many entries as configured, searched in order of length.
 *
 * @author PubSubClub
 */
public final class WampUriMapping {

	private final List<Map.Entry<String, String>> v2ToV1;

	private final List<Map.Entry<String, String>> v1ToV2;

	/**
	 * Create a mapping.
	 * @param v1ToV2 v1 prefix to v2 prefix, e.g. {@code "http://example.com/chat#"} to
	 * {@code "com.example.chat."}
	 * @throws IllegalArgumentException when a prefix is empty or two v1 prefixes map to
	 * the same v2 prefix
	 */
	public WampUriMapping(Map<String, String> v1ToV2) {
		List<Map.Entry<String, String>> entries = new ArrayList<>();
		for (Map.Entry<String, String> entry : v1ToV2.entrySet()) {
			if (entry.getKey().isEmpty() || entry.getValue().isEmpty()) {
				throw new IllegalArgumentException("Empty prefix in " + entry);
			}
			for (Map.Entry<String, String> other : entries) {
				if (other.getKey().equals(entry.getValue())) {
					throw new IllegalArgumentException("v2 prefix " + entry.getValue() + " mapped twice");
				}
			}
			entries.add(Map.entry(entry.getValue(), entry.getKey()));
		}
		entries.sort(Comparator.comparingInt((Map.Entry<String, String> entry) -> entry.getKey().length()).reversed());
		this.v2ToV1 = List.copyOf(entries);
		List<Map.Entry<String, String>> reverse = new ArrayList<>();
		for (Map.Entry<String, String> entry : entries) {
			reverse.add(Map.entry(entry.getValue(), entry.getKey()));
		}
		reverse.sort(Comparator.comparingInt((Map.Entry<String, String> entry) -> entry.getKey().length()).reversed());
		this.v1ToV2 = List.copyOf(reverse);
	}

	/**
	 * Return the v2 form of a v1 URI (an error URI of a procedure, say).
	 * @param v1Uri a v1 URI
	 * @return its v2 form
	 */
	public String toV2(String v1Uri) {
		for (Map.Entry<String, String> entry : this.v1ToV2) {
			if (v1Uri.startsWith(entry.getKey())) {
				return entry.getValue() + v1Uri.substring(entry.getKey().length());
			}
		}
		return v1Uri;
	}

	/**
	 * Return the v1 form of a v2 URI.
	 * @param v2Uri the URI a v2 client sent
	 * @return the URI the registry, procedures and cluster use
	 */
	public String toV1(String v2Uri) {
		for (Map.Entry<String, String> entry : this.v2ToV1) {
			if (v2Uri.startsWith(entry.getKey())) {
				return entry.getValue() + v2Uri.substring(entry.getKey().length());
			}
		}
		return v2Uri;
	}

	/**
	 * Return whether a URI is one a v2 client may send (the loose rule of the WAMP
	 * spec): not empty, no whitespace and no {@code #}, no empty component between dots.
	 * @param uri the URI
	 * @return whether it is valid
	 */
	static boolean isValidV2Uri(String uri) {
		if (uri.isEmpty() || uri.charAt(0) == '.' || uri.charAt(uri.length() - 1) == '.') {
			return false;
		}
		char previous = 0;
		for (int i = 0; i < uri.length(); i++) {
			char c = uri.charAt(i);
			if (c == '#' || Character.isWhitespace(c) || (c == '.' && previous == '.')) {
				return false;
			}
			previous = c;
		}
		return true;
	}

}
