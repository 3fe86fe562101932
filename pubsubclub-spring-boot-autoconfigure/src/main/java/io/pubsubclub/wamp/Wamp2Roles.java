package io.pubsubclub.wamp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The roles and features WELCOME announces: exactly those implemented.
 *
 * @author PubSubClub
 */
final class Wamp2Roles {

	private static final Map<String, Object> ROLES = roles();

	private Wamp2Roles() {
	}

	private static Map<String, Object> roles() {
		Map<String, Object> roles = new LinkedHashMap<>();
		roles.put("broker", Map.of("features", Wamp2Broker.FEATURES));
		if (Wamp2Dealer.IMPLEMENTED) {
			roles.put("dealer", Map.of("features", Wamp2Dealer.FEATURES));
		}
		return Map.copyOf(roles);
	}

	/**
	 * Return WELCOME's {@code roles}.
	 */
	static Map<String, Object> details() {
		return ROLES;
	}

	/**
	 * Return the names of the roles announced.
	 */
	static Set<String> announced() {
		return ROLES.keySet();
	}

}
