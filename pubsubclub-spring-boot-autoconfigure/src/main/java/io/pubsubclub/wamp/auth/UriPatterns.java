package io.pubsubclub.wamp.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Exact URIs, or prefixes ending in {@code *}; none matches any URI.
 *
 * @author PubSubClub
 */
final class UriPatterns {

	private final Set<String> exact = new HashSet<>();

	private final List<String> prefixes = new ArrayList<>();

	private final boolean any;

	UriPatterns(Collection<String> patterns) {
		for (String pattern : patterns) {
			if (pattern.endsWith("*")) {
				this.prefixes.add(pattern.substring(0, pattern.length() - 1));
			}
			else {
				this.exact.add(pattern);
			}
		}
		this.any = patterns.isEmpty();
	}

	boolean allows(String uri) {
		if (this.any || this.exact.contains(uri)) {
			return true;
		}
		for (String prefix : this.prefixes) {
			if (uri.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
