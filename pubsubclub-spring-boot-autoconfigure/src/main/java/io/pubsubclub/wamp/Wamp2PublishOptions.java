package io.pubsubclub.wamp;

import java.util.HashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A WAMP v2 PUBLISH's Options as {@link Wamp2PublishReader} reads them, field by field:
 * {@code acknowledge}, {@code exclude_me} and {@code disclose_me} booleans,
 * {@code exclude} and {@code eligible} lists of session ids (integers in [1, 2^53], kept
 * as their decimal strings, as the shared model names v2 sessions), and the four authid and
 * authrole lists of strings. A repeated option counts as its last value; any other option
 * is skipped unread. One of the wrong kind makes the options invalid: the publish is then
 * refused (counted, and answered ERROR when {@code acknowledge} was true).
 *
 * @param valid whether every option this broker knows is of its kind; when not, only
 * {@code acknowledge} is filled in (true only when it was the boolean true)
 * @param acknowledge whether the publisher asked for PUBLISHED
 * @param excludeMe whether the publisher is excluded (the default)
 * @param discloseMe whether EVENT Details name the publisher
 * @param exclude the session ids to exclude, {@code null} for none
 * @param eligible the only session ids eligible, {@code null} for all
 * @param authFilter the authid and authrole lists, {@code null} for none
 * @author PubSubClub
 */
record Wamp2PublishOptions(boolean valid, boolean acknowledge, boolean excludeMe, boolean discloseMe,
		@Nullable Set<String> exclude, @Nullable Set<String> eligible,
		WampPublication.@Nullable AuthFilter authFilter) {

	private static final Set<String> INVALID = Set.of("\u0000invalid");

	/**
	 * Read Options, at its START_OBJECT, up to its END_OBJECT.
	 */
	static Wamp2PublishOptions read(JsonParser parser) {
		Boolean acknowledge = Boolean.FALSE;
		Boolean excludeMe = Boolean.TRUE;
		Boolean discloseMe = Boolean.FALSE;
		Set<String> exclude = null;
		Set<String> eligible = null;
		Set<String> excludeAuthid = null;
		Set<String> eligibleAuthid = null;
		Set<String> excludeAuthrole = null;
		Set<String> eligibleAuthrole = null;
		String name;
		while ((name = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			switch (name) {
				case "acknowledge" -> acknowledge = bool(parser, value);
				case "exclude_me" -> excludeMe = bool(parser, value);
				case "disclose_me" -> discloseMe = bool(parser, value);
				case "exclude" -> exclude = ids(parser, value);
				case "eligible" -> eligible = ids(parser, value);
				case "exclude_authid" -> excludeAuthid = strings(parser, value);
				case "eligible_authid" -> eligibleAuthid = strings(parser, value);
				case "exclude_authrole" -> excludeAuthrole = strings(parser, value);
				case "eligible_authrole" -> eligibleAuthrole = strings(parser, value);
				default -> parser.skipChildren();
			}
		}
		boolean valid = acknowledge != null && excludeMe != null && discloseMe != null && exclude != INVALID
				&& eligible != INVALID && excludeAuthid != INVALID && eligibleAuthid != INVALID
				&& excludeAuthrole != INVALID && eligibleAuthrole != INVALID;
		if (!valid) {
			return new Wamp2PublishOptions(false, Boolean.TRUE.equals(acknowledge), false, false, null, null, null);
		}
		WampPublication.AuthFilter authFilter = (excludeAuthid == null && eligibleAuthid == null
				&& excludeAuthrole == null && eligibleAuthrole == null) ? null
						: new WampPublication.AuthFilter(excludeAuthid, eligibleAuthid, excludeAuthrole,
								eligibleAuthrole);
		return new Wamp2PublishOptions(true, acknowledge, excludeMe, discloseMe, exclude, eligible, authFilter);
	}

	/** A boolean option: {@code null} when it is not a boolean. */
	private static @Nullable Boolean bool(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_TRUE || value == JsonToken.VALUE_FALSE) {
			return value == JsonToken.VALUE_TRUE;
		}
		parser.skipChildren();
		return null;
	}

	/** A list of session ids as their decimal strings; {@link #INVALID} when not that. */
	private static Set<String> ids(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_ARRAY) {
			parser.skipChildren();
			return INVALID;
		}
		Set<String> ids = new HashSet<>();
		boolean valid = true;
		JsonToken token;
		while ((token = Wamp2PublishReader.next(parser)) != JsonToken.END_ARRAY) {
			long id = id(parser, token);
			if (id < 0) {
				valid = false;
				parser.skipChildren();
			}
			else if (valid) {
				ids.add(Long.toString(id));
			}
		}
		return valid ? ids : INVALID;
	}

	/** A list of strings; {@link #INVALID} when not that. */
	private static Set<String> strings(JsonParser parser, JsonToken value) {
		if (value != JsonToken.START_ARRAY) {
			parser.skipChildren();
			return INVALID;
		}
		Set<String> strings = new HashSet<>();
		boolean valid = true;
		JsonToken token;
		while ((token = Wamp2PublishReader.next(parser)) != JsonToken.END_ARRAY) {
			if (token != JsonToken.VALUE_STRING) {
				valid = false;
				parser.skipChildren();
			}
			else if (valid) {
				strings.add(parser.getString());
			}
		}
		return valid ? strings : INVALID;
	}

	/**
	 * An id at the parser: an integer in [1, 2^53], else {@code -1} (as
	 * {@link Wamp2Messages#id}).
	 */
	static long id(JsonParser parser, @Nullable JsonToken token) {
		if (token != JsonToken.VALUE_NUMBER_INT || parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
			return -1;
		}
		long id = parser.getLongValue();
		return (id >= 1 && id <= WampPublication.MAX_ID) ? id : -1;
	}

}
