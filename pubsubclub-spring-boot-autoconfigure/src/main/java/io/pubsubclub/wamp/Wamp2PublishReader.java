package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;

/**
 * Reads a WAMP v2 PUBLISH, {@code [16, Request, Options, Topic(, Arguments(, ArgumentsKw))]},
 * with the streaming parser instead of a tree: each element is checked the moment it is
 * complete, the options field by field, and Arguments and ArgumentsKw are kept as the
 * JSON text they arrived as, which the v2 EVENT and the v1 form ({@link WampPublication})
 * reuse: nothing of the payload is decoded or written again.
 * <p>
 * What it decides, with the errors the tree path gave before it:
 * <ul>
 * <li>text that is not JSON (anywhere up to the element that breaks the shape, below):
 * {@link Malformed} {@link BadFrame#NOT_JSON}, {@code "not JSON: ..."}, as is content after
 * the array when the mapper fails on trailing tokens;</li>
 * <li>the wrong number or kinds of elements, a Request that is not an id in [1, 2^53]:
 * {@link Malformed} {@link BadFrame#BAD_ARGUMENTS} with {@link #SHAPE}, at the first
 * element that breaks it (the rest is not read: input that is also not JSON further on
 * counts as this kind, where the tree path counted it as not JSON; both are the same
 * protocol violation);</li>
 * <li>an option of the wrong kind ({@code acknowledge}, {@code exclude_me},
 * {@code disclose_me} not a boolean, {@code exclude}/{@code eligible} not a list of ids,
 * the authid/authrole lists not lists of strings): {@link Wamp2PublishOptions#valid()}
 * false, the publish then refused by {@link Wamp2Broker}; a repeated option counts as its
 * last value (as a tree keeps it); any other option is skipped unread.</li>
 * </ul>
 * Arguments and ArgumentsKw keep their text as sent, whitespace, escapes and numbers
 * included: every subscriber gets the values the publisher sent (the tree path wrote a
 * number past a double's range as the string {@code "Infinity"} and cut others to a
 * double's precision), and a duplicate key of ArgumentsKw is passed on rather than
 * dropped. An escaped lone surrogate stays escaped, so every frame can be sent. That takes a mapper that reads standard JSON only: with
 * any {@link JsonReadFeature} {@code ALLOW_...} enabled, a value may hold what no other JSON
 * reader takes (a comment, a single quote), so each of the two is then read as a tree and
 * written again by the mapper, with lone surrogates escaped, as before.
 * <p>
 * Bounds: what the mapper's {@code StreamReadConstraints} allow (nesting depth, string and
 * number lengths), within a message already bounded by the session's message size; the
 * id and string sets hold at most one entry per element of the message, and
 * {@link SessionLimits} refuses a publish naming more session ids than allowed. A reader
 * holds no state between messages: one instance serves every session's thread.
 *
 * @author PubSubClub
 */
final class Wamp2PublishReader {

	/** Why a PUBLISH of the wrong shape is a protocol violation. */
	static final String SHAPE = "PUBLISH must be [16, Request|id, Options|dict, Topic|uri(, Arguments|list(, ArgumentsKw|dict))]";

	private final JsonMapper jsonMapper;

	private final boolean raw;

	private final boolean failOnTrailingTokens;

	Wamp2PublishReader(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.raw = readsStandardJson(jsonMapper);
		this.failOnTrailingTokens = jsonMapper.isEnabled(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
	}

	/**
	 * Return whether Arguments and ArgumentsKw are passed on as the text they arrived as
	 * (the mapper reads standard JSON only).
	 */
	boolean keepsText() {
		return this.raw;
	}

	/**
	 * A cheap look at the first characters, so that a PUBLISH costs one parse: whether a
	 * message starts as {@code [16} followed by a comma, a bracket or whitespace. A
	 * PUBLISH written another way (a comment where the mapper allows one) is found by
	 * the tree and read here all the same.
	 */
	static boolean startsAsPublish(String payload) {
		int i = skipWhitespace(payload, 0, payload.length());
		if (i >= payload.length() || payload.charAt(i) != '[') {
			return false;
		}
		i = skipWhitespace(payload, i + 1, payload.length());
		if (i + 2 >= payload.length() || payload.charAt(i) != '1' || payload.charAt(i + 1) != '6') {
			return false;
		}
		char next = payload.charAt(i + 2);
		return next == ',' || next == ']' || isWhitespace(next);
	}

	/**
	 * Read a PUBLISH.
	 * @param payload the whole message, whose type is PUBLISH
	 * @return the publish
	 * @throws Malformed when the message is a protocol violation
	 */
	Publish read(String payload) {
		try (JsonParser parser = this.jsonMapper.createParser(payload)) {
			return read(parser, payload);
		}
		catch (JacksonException ex) {
			throw new Malformed(BadFrame.NOT_JSON, "not JSON: " + ex.getOriginalMessage());
		}
	}

	private Publish read(JsonParser parser, String payload) {
		if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_NUMBER_INT
				|| parser.getNumberType() != JsonParser.NumberType.INT
				|| parser.getIntValue() != Wamp2MessageType.PUBLISH.code()) {
			// the caller found the type already
			throw new Malformed(BadFrame.NOT_ARRAY, "not a JSON array with the integer 16 first");
		}
		long request = Wamp2PublishOptions.id(parser, parser.nextToken());
		if (request < 0 || parser.nextToken() != JsonToken.START_OBJECT) {
			throw shape();
		}
		Wamp2PublishOptions options = Wamp2PublishOptions.read(parser);
		if (parser.nextToken() != JsonToken.VALUE_STRING) {
			throw shape();
		}
		String topic = parser.getString();
		JsonToken token = parser.nextToken();
		Arguments arguments = null;
		String argumentsKw = null;
		boolean argumentsKwEmpty = true;
		if (token == JsonToken.START_ARRAY) {
			arguments = arguments(parser, payload);
			token = parser.nextToken();
			if (token == JsonToken.START_OBJECT) {
				int start = start(parser);
				parser.skipChildren();
				argumentsKw = payload.substring(start, end(parser));
				argumentsKwEmpty = isBlank(argumentsKw, 1, argumentsKw.length() - 1);
				token = parser.nextToken();
			}
		}
		if (token != JsonToken.END_ARRAY) {
			throw shape();
		}
		if (this.failOnTrailingTokens && parser.nextToken() != null) {
			throw new Malformed(BadFrame.NOT_JSON, "not JSON: content after the message's array");
		}
		if (!this.raw) {
			return rewritten(request, options, topic, arguments, argumentsKw, payload);
		}
		String single = (arguments != null && argumentsKwEmpty) ? arguments.single() : null;
		return new Publish(request, options, topic, (arguments != null) ? arguments.text() : null, argumentsKw,
				single);
	}

	/**
	 * Read Arguments, at its START_ARRAY: its text, and the text of its first element
	 * when it is the only one.
	 */
	private static Arguments arguments(JsonParser parser, String payload) {
		int start = start(parser);
		JsonToken token = parser.nextToken();
		if (token == JsonToken.END_ARRAY) {
			return new Arguments(payload.substring(start, end(parser)), null);
		}
		int first = start(parser);
		parser.skipChildren();
		token = parser.nextToken();
		if (token == JsonToken.END_ARRAY) {
			int end = end(parser);
			// the only element: up to the bracket, without the whitespace before it
			int last = skipWhitespaceBack(payload, first, end - 1);
			return new Arguments(payload.substring(start, end), payload.substring(first, last));
		}
		while (token != JsonToken.END_ARRAY) {
			parser.skipChildren();
			token = next(parser);
		}
		return new Arguments(payload.substring(start, end(parser)), null);
	}

	/**
	 * The rare case of a mapper that reads more than standard JSON: Arguments and
	 * ArgumentsKw as the mapper writes them, as the tree path did.
	 */
	private Publish rewritten(long request, Wamp2PublishOptions options, String topic, @Nullable Arguments arguments,
			@Nullable String argumentsKw, String payload) {
		boolean escape = LoneSurrogates.possibleIn(payload);
		JsonNode args = (arguments != null) ? this.jsonMapper.readTree(arguments.text()) : null;
		JsonNode kwargs = (argumentsKw != null) ? this.jsonMapper.readTree(argumentsKw) : null;
		String single = (args != null && args.size() == 1 && (kwargs == null || kwargs.isEmpty()))
				? text(args.get(0), escape) : null;
		return new Publish(request, options, topic, (args != null) ? text(args, escape) : null,
				(kwargs != null) ? text(kwargs, escape) : null, single);
	}

	private String text(JsonNode node, boolean escape) {
		String text = this.jsonMapper.writeValueAsString(node);
		return escape ? LoneSurrogates.escape(text) : text;
	}

	/** The next token inside a value: the parser fails at the end of the input there. */
	static JsonToken next(JsonParser parser) {
		JsonToken token = parser.nextToken();
		if (token == null) {
			throw new Malformed(BadFrame.NOT_JSON, "not JSON: the input ends inside a value");
		}
		return token;
	}

	private static Malformed shape() {
		return new Malformed(BadFrame.BAD_ARGUMENTS, SHAPE);
	}

	/** Where the current token starts, in chars of the payload. */
	private static int start(JsonParser parser) {
		return offset(parser.currentTokenLocation().getCharOffset());
	}

	/** Where the parser stands: after the current token's last char. */
	private static int end(JsonParser parser) {
		return offset(parser.currentLocation().getCharOffset());
	}

	private static int offset(long offset) {
		if (offset < 0 || offset > Integer.MAX_VALUE) {
			// a parser over a String counts chars
			throw new IllegalStateException("No char offset from the parser: " + offset);
		}
		return (int) offset;
	}

	private static boolean readsStandardJson(JsonMapper jsonMapper) {
		for (JsonReadFeature feature : JsonReadFeature.values()) {
			if (feature.name().startsWith("ALLOW_") && jsonMapper.isEnabled(feature)) {
				return false;
			}
		}
		return true;
	}

	private static boolean isBlank(String text, int from, int to) {
		return skipWhitespace(text, from, to) >= to;
	}

	private static int skipWhitespace(String text, int from, int to) {
		int i = from;
		while (i < to && isWhitespace(text.charAt(i))) {
			i++;
		}
		return i;
	}

	private static int skipWhitespaceBack(String text, int from, int to) {
		int i = to;
		while (i > from && isWhitespace(text.charAt(i - 1))) {
			i--;
		}
		return i;
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	/**
	 * Arguments as read: its text, and its only element's text when it has exactly one.
	 */
	private record Arguments(String text, @Nullable String single) {
	}

	/**
	 * A PUBLISH as read.
	 *
	 * @param request the request id, in [1, 2^53]
	 * @param options the options
	 * @param topic the topic as sent, unchecked
	 * @param arguments the Arguments list's JSON text, {@code null} when absent
	 * @param argumentsKw the ArgumentsKw dictionary's JSON text, {@code null} when absent
	 * @param singleArgument the only argument's JSON text when Arguments holds exactly one
	 * and ArgumentsKw is absent or empty, else {@code null}
	 */
	record Publish(long request, Wamp2PublishOptions options, String topic, @Nullable String arguments,
			@Nullable String argumentsKw, @Nullable String singleArgument) {
	}

	/**
	 * A PUBLISH that is a protocol violation: the session is aborted.
	 */
	static final class Malformed extends RuntimeException {

		private final BadFrame kind;

		Malformed(BadFrame kind, String why) {
			super(why, null, false, false);
			this.kind = kind;
		}

		BadFrame kind() {
			return this.kind;
		}

	}

}
