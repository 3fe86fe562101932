package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reading the fields of WAMP v2 messages, each checked the moment it is read, and the
 * URIs of the errors this server sends.
 *
 * @author PubSubClub
 */
final class Wamp2Messages {

	static final String NO_SUCH_REALM = "wamp.error.no_such_realm";

	static final String NOT_AUTHORIZED = "wamp.error.not_authorized";

	static final String PROTOCOL_VIOLATION = "wamp.error.protocol_violation";

	static final String INVALID_URI = "wamp.error.invalid_uri";

	static final String INVALID_ARGUMENT = "wamp.error.invalid_argument";

	static final String NO_SUCH_SUBSCRIPTION = "wamp.error.no_such_subscription";

	static final String NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure";

	static final String NO_SUCH_REGISTRATION = "wamp.error.no_such_registration";

	static final String PROCEDURE_ALREADY_EXISTS = "wamp.error.procedure_already_exists";

	static final String CANCELED = "wamp.error.canceled";

	/** A per-session or per-node limit refused the request (see wamp-limits.md). */
	static final String LIMIT_EXCEEDED = "pubsubclub.error.limit_exceeded";

	static final String CLOSE_REALM = "wamp.close.close_realm";

	static final String GOODBYE_AND_OUT = "wamp.close.goodbye_and_out";

	private Wamp2Messages() {
	}

	/**
	 * Return an id (session, request, subscription, publication, registration): an
	 * integer in [1, 2^53], else {@code -1}.
	 */
	static long id(@Nullable JsonNode node) {
		if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
			return -1;
		}
		long id = node.longValue();
		return (id >= 1 && id <= WampPublication.MAX_ID) ? id : -1;
	}

	/**
	 * Whether a message has between {@code min} and {@code max} elements, element
	 * {@code dict} (if positive) a dictionary, and every argument list and keyword
	 * dictionary in its place: a list at {@code args}, a dictionary after it.
	 */
	static boolean shape(JsonNode message, int min, int max, int dict, int args) {
		int size = message.size();
		if (size < min || size > max || (dict > 0 && !message.get(dict).isObject())) {
			return false;
		}
		if (args > 0 && size > args && !message.get(args).isArray()) {
			return false;
		}
		return !(args > 0 && size > args + 1 && !message.get(args + 1).isObject());
	}

	/**
	 * Return a boolean option, or the default when absent; {@code null} when present but
	 * not a boolean.
	 */
	static @Nullable Boolean bool(JsonNode options, String name, boolean absent) {
		JsonNode value = options.get(name);
		if (value == null) {
			return absent;
		}
		return value.isBoolean() ? value.booleanValue() : null;
	}

}
