package io.pubsubclub.wamp;

import java.util.HashSet;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.io.SegmentedStringWriter;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a PUBLISH with the streaming parser instead of a tree: the event is copied token
 * by token into its JSON text, which is what the tree path's {@code readTree} then
 * {@code writeValueAsString} produces, without building the tree. The exclude and
 * eligible options are read by the rules of the tree path.
 * <p>
 * Anything this reader is not sure about is left to the tree path, which then handles it
 * as it always has (including counting and logging bad input): a message that does not
 * start with {@code [7,}, a topic that is not a string, the wrong number of elements,
 * anything after the array, any parse error, and an object with a duplicate key (the tree
 * keeps the last value, a token copy would keep both). The reader is disabled for a
 * {@link JsonMapper} whose tree round trip changes the text of a probe event that holds
 * every kind of JSON value, or fails to read it: sorted or dropped null properties, floats
 * read as {@code BigDecimal}, integers read as {@code long} (an integer beyond a long then
 * fails the tree), a wrapped root value. A node factory or node serializer of the
 * application's own is caught only when it changes the probe's text.
 *
 * @author PubSubClub
 */
final class PublishReader {

	private static final Log logger = LogFactory.getLog(PublishReader.class);

	private static final String PROBE = "[7,\"t\",{\"b\":null,\"a\":[0,-0,7,-2147483649,9223372036854775808,"
			+ "1.0,1.5,-0.0,1e2,1E-7,1e400,0.10000000000000000000001,\"\\u00e9\\/\\n\\ud83d\\ude00\u00e9\","
			+ "true,false,null,{},[],{\"z\":{\"y\":[{}]}}]},[],[]]";

	private final JsonMapper jsonMapper;

	private final ObjectReader reader;

	private final boolean enabled;

	PublishReader(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
		this.reader = jsonMapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
		this.enabled = sameAsTree(PROBE);
		if (!this.enabled) {
			logger.info("PUBLISH is read as a tree: the JSON mapper's tree round trip changes the event text");
		}
	}

	/**
	 * Return whether the mapper's configuration lets this reader produce the tree path's
	 * event text.
	 */
	boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Read a PUBLISH by the rules of the tree path.
	 * @param payload the whole message
	 * @param publisherId the publishing session's id, the default exclusion
	 * @return the publish, or {@code null} when the tree path must handle the message
	 */
	@Nullable Publish read(String payload, String publisherId) {
		return (this.enabled && startsAsPublish(payload)) ? parse(payload, publisherId) : null;
	}

	private boolean sameAsTree(String message) {
		try {
			Publish publish = parse(message, "");
			return publish != null
					&& publish.eventJson().equals(this.jsonMapper.writeValueAsString(this.jsonMapper.readTree(message).get(2)));
		}
		catch (RuntimeException ex) {
			logger.debug("PUBLISH probe failed", ex);
			return false;
		}
	}

	private @Nullable Publish parse(String payload, String publisherId) {
		try (JsonParser parser = this.reader.createParser(payload)) {
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
			String eventJson = copy(parser);
			Set<String> exclude = Set.of(publisherId);
			Set<String> eligible = null;
			token = parser.nextToken();
			if (token != JsonToken.END_ARRAY) {
				if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
					exclude = (token == JsonToken.VALUE_TRUE) ? exclude : null;
				}
				else if (token == JsonToken.START_ARRAY) {
					exclude = ids(parser);
				}
				else {
					parser.skipChildren();
				}
				token = parser.nextToken();
				if (token != JsonToken.END_ARRAY) {
					if (token == JsonToken.START_ARRAY) {
						eligible = ids(parser);
					}
					else {
						parser.skipChildren();
					}
					token = parser.nextToken();
				}
			}
			if (token != JsonToken.END_ARRAY || parser.nextToken() != null) {
				return null;
			}
			return new Publish(topic, eventJson, exclude, eligible);
		}
		catch (RuntimeException ex) {
			// JacksonException, or anything unexpected: the tree path decides
			return null;
		}
	}

	/**
	 * Copy the value at the parser into text, with the writer and buffers
	 * {@code writeValueAsString} uses.
	 */
	private String copy(JsonParser parser) {
		BufferRecycler recycler = this.jsonMapper.tokenStreamFactory()._getBufferRecycler();
		try (SegmentedStringWriter text = new SegmentedStringWriter(recycler)) {
			try (JsonGenerator generator = this.jsonMapper.createGenerator(text)) {
				generator.copyCurrentStructure(parser);
			}
			return text.getAndClear();
		}
		finally {
			recycler.releaseToPool();
		}
	}

	private static Set<String> ids(JsonParser parser) {
		Set<String> ids = new HashSet<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token == null) {
				throw new IllegalStateException("end of input in a list of session ids");
			}
			if (token == JsonToken.VALUE_STRING) {
				ids.add(parser.getString());
			}
			else {
				parser.skipChildren();
			}
		}
		return ids;
	}

	/**
	 * A cheap look at the first characters, so that other messages cost no parse: a PUBLISH
	 * written any other way (a comment where the features allow one, say) takes the tree
	 * path.
	 */
	private static boolean startsAsPublish(String payload) {
		int i = skipWhitespace(payload, 0);
		if (i >= payload.length() || payload.charAt(i) != '[') {
			return false;
		}
		i = skipWhitespace(payload, i + 1);
		if (i + 1 >= payload.length() || payload.charAt(i) != '7') {
			return false;
		}
		char next = payload.charAt(i + 1);
		return next == ',' || isWhitespace(next);
	}

	private static int skipWhitespace(String text, int from) {
		int i = from;
		while (i < text.length() && isWhitespace(text.charAt(i))) {
			i++;
		}
		return i;
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

	/**
	 * A PUBLISH as read.
	 *
	 * @param topic the topic as sent: the caller resolves a CURIE
	 * @param eventJson the event's JSON text, as the tree path writes it
	 * @param exclude the sessions not to deliver to, {@code null} for none
	 * @param eligible the only sessions to deliver to, {@code null} for all
	 */
	record Publish(String topic, String eventJson, @Nullable Set<String> exclude, @Nullable Set<String> eligible) {
	}

}
