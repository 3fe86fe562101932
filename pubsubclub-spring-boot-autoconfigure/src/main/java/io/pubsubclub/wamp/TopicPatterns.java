package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which topics an operation is allowed on: exact URIs, or prefixes ending in {@code *};
 * any topic when there are none. Shared by the server's global topic rules and the default
 * {@link io.pubsubclub.wamp.auth.WampAuthorizer authorizer}.
 *
 * @author PubSubClub
 */
public final class TopicPatterns {

	static final TopicPatterns ANY = new TopicPatterns(List.of());

	private final Set<String> exact = new HashSet<>();

	private final List<String> prefixes = new ArrayList<>();

	private final boolean any;

	/**
	 * Create patterns from exact URIs and prefixes ending in {@code *}.
	 * @param patterns the patterns; none allows any topic
	 */
	public TopicPatterns(Collection<String> patterns) {
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

	/**
	 * Return whether the patterns allow the given topic.
	 * @param topic a full topic URI
	 * @return whether it is allowed
	 */
	public boolean allows(String topic) {
		if (this.any || this.exact.contains(topic)) {
			return true;
		}
		for (String prefix : this.prefixes) {
			if (topic.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
