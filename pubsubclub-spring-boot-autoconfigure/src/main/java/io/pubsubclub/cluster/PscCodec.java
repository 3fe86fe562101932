package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.core.json.JsonFactory;

/**
 * Encodes and decodes PSC frames with Jackson's streaming parser. The payload of a 301
 * is never turned into a tree: its JSON text is cut out of the frame by character offsets
 * and handed on as it is.
 * <p>
 * Bounds: a frame is at most the link's largest message. The parser's default limits of
 * 1,000 digits for a number and 50,000 characters for a property name are lifted: an
 * application's event may hold a longer number (a {@code BigInteger}) or name, which
 * Jackson writes without limit, and a consumer that refused it would close the link, take
 * the event again in the resume's replay and close again for as long as the producer
 * keeps it. The fields read as values (message type, version, node id, sequence numbers)
 * are refused unread when their text is longer than {@value #MAX_NUMBER_FIELD_LENGTH}
 * characters, so no long number is ever converted.
 *
 * @author PubSubClub
 */
final class PscCodec {

	private static final JsonFactory FACTORY = JsonFactory.builder()
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxNumberLength(Integer.MAX_VALUE)
			.maxNameLength(Integer.MAX_VALUE)
			.build())
		.build();

	/** Longest text of a number read as a value: a long's digits and a sign. */
	static final int MAX_NUMBER_FIELD_LENGTH = 20;

	private PscCodec() {
	}

	static String hello(List<ProtocolVersion> versions) {
		StringBuilder frame = new StringBuilder("[101");
		for (ProtocolVersion version : versions) {
			frame.append(",[").append(version.major()).append(',').append(version.minor()).append(']');
		}
		return frame.append(']').toString();
	}

	static String welcome(ProtocolVersion version, long nodeId) {
		StringBuilder frame = new StringBuilder("[102,[").append(version.major())
			.append(',')
			.append(version.minor())
			.append(']');
		if (version.carriesNodeId()) {
			frame.append(',').append(nodeId);
		}
		return frame.append(']').toString();
	}

	static String subscribe(String topic) {
		return "[201," + quote(topic) + "]";
	}

	static String unsubscribe(String topic) {
		return "[202," + quote(topic) + "]";
	}

	static String event(String topic, String eventJson) {
		return "[301," + quote(topic) + "," + eventJson + "]";
	}

	static String quote(String text) {
		StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
		JsonStringEncoder.getInstance().quoteAsString(text, quoted);
		return quoted.append('"').toString();
	}

	static PscMessage decode(String frame) {
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), frame)) {
			if (parser.nextToken() != JsonToken.START_ARRAY) {
				throw new PscProtocolException("frame is not a JSON array");
			}
			if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
				throw new PscProtocolException("message type is not an integer");
			}
			if (parser.getStringLength() > MAX_NUMBER_FIELD_LENGTH
					|| parser.getNumberType() != JsonParser.NumberType.INT) {
				throw new PscProtocolException("unknown message type " + shortened(parser));
			}
			int type = parser.getIntValue();
			PscMessage message = switch (type) {
				case PscMessage.HELLO -> decodeHello(parser);
				case PscMessage.WELCOME -> decodeWelcome(parser);
				case PscMessage.SUBSCRIBE -> new PscMessage.Subscribe(decodeTopics(parser, type));
				case PscMessage.UNSUBSCRIBE -> new PscMessage.Unsubscribe(decodeTopics(parser, type));
				case PscMessage.EVENT -> decodeEvent(parser, frame);
				case PscMessage.RESUME -> PscResumeCodec.decodeResume(parser);
				case PscMessage.RESUMED -> PscResumeCodec.decodeResumed(parser);
				default -> null;
			};
			if (message == null) {
				throw new PscProtocolException("unknown message type " + type);
			}
			if (parser.nextToken() != null) {
				throw new PscProtocolException("trailing data after the frame");
			}
			return message;
		}
		catch (JacksonException ex) {
			throw new PscProtocolException("frame is not valid JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	private static PscMessage decodeHello(JsonParser parser) {
		List<ProtocolVersion> versions = new ArrayList<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			versions.add(decodeVersion(parser, token, 101));
		}
		if (versions.isEmpty()) {
			throw new PscProtocolException("101 offers no version");
		}
		return new PscMessage.Hello(List.copyOf(versions));
	}

	private static PscMessage decodeWelcome(JsonParser parser) {
		ProtocolVersion version = decodeVersion(parser, parser.nextToken(), 102);
		JsonToken token = parser.nextToken();
		@Nullable Long nodeId = null;
		@Nullable String epoch = null;
		if (token == JsonToken.VALUE_NUMBER_INT) {
			if (parser.getStringLength() > MAX_NUMBER_FIELD_LENGTH
					|| parser.getNumberType() != JsonParser.NumberType.INT
					&& parser.getNumberType() != JsonParser.NumberType.LONG) {
				throw new PscProtocolException("102 node id out of range");
			}
			nodeId = parser.getLongValue();
			token = parser.nextToken();
			if (token == JsonToken.VALUE_STRING) {
				epoch = PscResumeCodec.epoch(parser.getString(), 102);
				token = parser.nextToken();
			}
		}
		if (token != JsonToken.END_ARRAY) {
			throw new PscProtocolException("102 takes a version, an optional integer node id and an optional epoch");
		}
		return new PscMessage.Welcome(version, nodeId, epoch);
	}

	private static ProtocolVersion decodeVersion(JsonParser parser, @Nullable JsonToken token, int type) {
		if (token != JsonToken.START_ARRAY || parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
			throw new PscProtocolException(type + " version is not [major, minor]");
		}
		int major = versionPart(parser, type);
		if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
			throw new PscProtocolException(type + " version is not [major, minor]");
		}
		int minor = versionPart(parser, type);
		JsonToken next = parser.nextToken();
		// a patch number may follow; it is ignored
		if (next == JsonToken.VALUE_NUMBER_INT) {
			next = parser.nextToken();
		}
		if (next != JsonToken.END_ARRAY) {
			throw new PscProtocolException(type + " version is not [major, minor]");
		}
		return new ProtocolVersion(major, minor);
	}

	private static int versionPart(JsonParser parser, int type) {
		if (parser.getStringLength() > MAX_NUMBER_FIELD_LENGTH || parser.getNumberType() != JsonParser.NumberType.INT
				|| parser.getIntValue() < 0) {
			throw new PscProtocolException(type + " version number out of range");
		}
		return parser.getIntValue();
	}

	private static List<String> decodeTopics(JsonParser parser, int type) {
		List<String> topics = new ArrayList<>(1);
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token != JsonToken.VALUE_STRING) {
				throw new PscProtocolException(type + " topic is not a string");
			}
			topics.add(parser.getString());
		}
		if (topics.isEmpty()) {
			throw new PscProtocolException(type + " names no topic");
		}
		return topics;
	}

	private static PscMessage decodeEvent(JsonParser parser, String frame) {
		if (parser.nextToken() != JsonToken.VALUE_STRING) {
			throw new PscProtocolException("301 topic is not a string");
		}
		String topic = parser.getString();
		JsonToken token = parser.nextToken();
		if (token == null || token == JsonToken.END_ARRAY) {
			throw new PscProtocolException("301 carries no event");
		}
		int start = (int) parser.currentTokenLocation().getCharOffset();
		parser.skipChildren();
		JsonToken next = parser.nextToken();
		int end = (int) parser.currentTokenLocation().getCharOffset();
		long seq = 0;
		PscMessage.Sessions sessions = null;
		if (next == JsonToken.VALUE_NUMBER_INT) {
			// 1.2: the event is followed by ",seq"
			end = frame.lastIndexOf(',', end - 1);
			seq = PscResumeCodec.seq(parser, 301);
			if (seq < 1) {
				throw new PscProtocolException("301 sequence number out of range");
			}
			next = parser.nextToken();
			if (next == JsonToken.START_OBJECT) {
				sessions = PscResumeCodec.decodeSessions(parser);
				next = parser.nextToken();
			}
		}
		if (next != JsonToken.END_ARRAY) {
			throw new PscProtocolException("301 takes a topic and one event");
		}
		while (end > start && isJsonWhitespace(frame.charAt(end - 1))) {
			end--;
		}
		return new PscMessage.Event(topic, frame.substring(start, end), seq, sessions);
	}

	private static String shortened(JsonParser parser) {
		String text = parser.getString();
		return (text.length() > MAX_NUMBER_FIELD_LENGTH) ? text.substring(0, MAX_NUMBER_FIELD_LENGTH) + "..." : text;
	}

	private static boolean isJsonWhitespace(char c) {
		return c == ' ' || c == '\t' || c == '\n' || c == '\r';
	}

}
