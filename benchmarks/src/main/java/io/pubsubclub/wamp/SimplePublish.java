package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prototype, benchmarked by {@link WampCodecBenchmark}, not used by the server: the
 * common PUBLISH, {@code [7, topic, event]}, read with the streaming parser: the
 * event's JSON text is cut out of the frame by character offsets, so it is neither turned
 * into a tree nor written back to text before it goes out in the EVENT frames (the cluster's
 * 301 decoder does the same). Anything else, including PUBLISH with options and every
 * malformed frame, is left to the tree parser and its error handling.
 * <p>
 * Not adopted because it changes what subscribers receive: the event's text exactly as
 * the publisher wrote it (whitespace, {@code \u00e9} escapes) instead of Jackson's
 * normalized form, which {@code ClusterWampEndToEndTests} asserts on. The server uses
 * {@link PublishReader}, which writes the normalized form without a tree.
 *
 * @param topic the topic as sent (a CURIE is resolved by the caller)
 * @param eventJson the event's JSON text
 * @author PubSubClub
 */
record SimplePublish(String topic, String eventJson) {

	static @Nullable SimplePublish parse(JsonMapper jsonMapper, String frame) {
		if (!startsAsPublish(frame)) {
			return null;
		}
		try (JsonParser parser = jsonMapper.createParser(frame)) {
			if (parser.nextToken() != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_NUMBER_INT
					|| parser.getNumberType() != JsonParser.NumberType.INT
					|| parser.getIntValue() != WampMessageType.PUBLISH.code()
					|| parser.nextToken() != JsonToken.VALUE_STRING) {
				return null;
			}
			String topic = parser.getString();
			JsonToken token = parser.nextToken();
			if (token == null || token == JsonToken.END_ARRAY) {
				return null;
			}
			int start = (int) parser.currentTokenLocation().getCharOffset();
			parser.skipChildren();
			if (parser.nextToken() != JsonToken.END_ARRAY) {
				return null;
			}
			int end = (int) parser.currentTokenLocation().getCharOffset();
			if (parser.nextToken() != null) {
				return null;
			}
			while (end > start && isJsonWhitespace(frame.charAt(end - 1))) {
				end--;
			}
			return new SimplePublish(topic, frame.substring(start, end));
		}
		catch (JacksonException | IndexOutOfBoundsException ex) {
			return null;
		}
	}

	/**
	 * A cheap look at the first characters, so that other messages cost no extra parse.
	 */
	private static boolean startsAsPublish(String frame) {
		int i = 0;
		int length = frame.length();
		while (i < length && isJsonWhitespace(frame.charAt(i))) {
			i++;
		}
		if (i >= length || frame.charAt(i++) != '[') {
			return false;
		}
		while (i < length && isJsonWhitespace(frame.charAt(i))) {
			i++;
		}
		return i + 1 < length && frame.charAt(i) == '7' && !Character.isDigit(frame.charAt(i + 1));
	}

	private static boolean isJsonWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

}
