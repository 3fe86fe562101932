package io.pubsubclub.redis;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

import io.pubsubclub.support.SessionListsJson;

/**
 * The text of one publish as it travels through Redis: a stream entry's {@code m} field
 * (its {@code n} field is its number in the topic's history), and the pub/sub message,
 * which is the stream id and that number ({@code -} without history), a newline and
 * that same text.
 *
 * <pre>
 * 1 &lt;instance&gt; &lt;seq&gt; &lt;node id&gt;\n
 * &lt;options: {"exclude":[...],"eligible":[...],"v2":true}, each key only when it applies, or -&gt;\n
 * &lt;event JSON&gt;
 * </pre>
 *
 * The instance is random per start of a node's backplane and the sequence numbers its
 * publishes in the order they were sent to Redis, so that a publish Lettuce sent twice
 * (a command resent after a reconnect) is delivered once. Each field is checked as it is
 * read; anything else is refused with an {@link IllegalArgumentException}.
 *
 * @author PubSubClub
 */
final class RedisEnvelope {

	/** Longest session id list text accepted, in characters. */
	static final int MAX_SESSIONS_LENGTH = 1 << 20;

	private static final JsonFactory FACTORY = new JsonFactory();

	private RedisEnvelope() {
	}

	static String encode(long instance, long seq, long nodeId, @Nullable String sessionsJson, String eventJson) {
		StringBuilder text = new StringBuilder(eventJson.length() + 64
				+ ((sessionsJson != null) ? sessionsJson.length() : 0));
		text.append("1 ").append(instance).append(' ').append(seq).append(' ').append(nodeId).append('\n');
		text.append((sessionsJson != null) ? sessionsJson : "-").append('\n');
		return text.append(eventJson).toString();
	}

	static String sessions(@Nullable Collection<String> exclude, @Nullable Collection<String> eligible) {
		return sessions(exclude, eligible, false);
	}

	/**
	 * Return the options object: the same form as PSC 1.2's 301 options ({@link SessionListsJson}).
	 */
	static String sessions(@Nullable Collection<String> exclude, @Nullable Collection<String> eligible, boolean v2) {
		return SessionListsJson.options(exclude, eligible, v2);
	}

	/**
	 * Decode a pub/sub message: the stream id line, then the envelope.
	 */
	static Received decodeMessage(String message) {
		int newline = message.indexOf('\n');
		if (newline <= 0) {
			throw new IllegalArgumentException("no stream id line");
		}
		String line = message.substring(0, newline);
		if ("-".equals(line)) {
			return decode(null, -1, message.substring(newline + 1));
		}
		int space = line.indexOf(' ');
		if (space <= 0) {
			throw new IllegalArgumentException("stream id line is not \"id number\"");
		}
		return decode(StreamId.parse(line.substring(0, space)), number(line.substring(space + 1)),
				message.substring(newline + 1));
	}

	static long number(String n) {
		long number = Long.parseLong(n);
		if (number <= 0) {
			throw new IllegalArgumentException("history number " + n + " is not positive");
		}
		return number;
	}

	static Received decode(@Nullable StreamId id, long number, String text) {
		int header = text.indexOf('\n');
		if (header <= 0) {
			throw new IllegalArgumentException("no header line");
		}
		String[] fields = text.substring(0, header).split(" ", -1);
		if (fields.length != 4 || !"1".equals(fields[0])) {
			throw new IllegalArgumentException("header is not \"1 instance seq node\"");
		}
		long instance = Long.parseLong(fields[1]);
		long seq = Long.parseLong(fields[2]);
		long nodeId = Long.parseLong(fields[3]);
		if (seq < 0 || nodeId < 0) {
			throw new IllegalArgumentException("negative sequence number or node id");
		}
		int sessionsEnd = text.indexOf('\n', header + 1);
		if (sessionsEnd < 0) {
			throw new IllegalArgumentException("no sessions line");
		}
		if (sessionsEnd - header - 1 > MAX_SESSIONS_LENGTH) {
			throw new IllegalArgumentException("sessions line longer than " + MAX_SESSIONS_LENGTH);
		}
		String sessions = text.substring(header + 1, sessionsEnd);
		String eventJson = text.substring(sessionsEnd + 1);
		if (eventJson.isEmpty()) {
			throw new IllegalArgumentException("no event");
		}
		if ("-".equals(sessions)) {
			return new Received(id, number, instance, seq, nodeId, null, null, false, eventJson);
		}
		Set<String> exclude = null;
		Set<String> eligible = null;
		Boolean v2 = null;
		try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), sessions)) {
			if (parser.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalArgumentException("sessions is not an object");
			}
			JsonToken token;
			while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
				String name = parser.currentName();
				JsonToken value = parser.nextToken();
				if ("v2".equals(name)) {
					if (v2 != null) {
						throw new IllegalArgumentException("sessions: v2 given twice");
					}
					if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
						throw new IllegalArgumentException("sessions: v2 is not a boolean");
					}
					v2 = (value == JsonToken.VALUE_TRUE);
					continue;
				}
				if (value != JsonToken.START_ARRAY) {
					throw new IllegalArgumentException("sessions: " + name + " is not a list");
				}
				Set<String> ids = new LinkedHashSet<>();
				while (parser.nextToken() == JsonToken.VALUE_STRING) {
					ids.add(parser.getString());
				}
				if (parser.currentToken() != JsonToken.END_ARRAY) {
					throw new IllegalArgumentException("sessions: " + name + " holds a non-string");
				}
				if ("exclude".equals(name) && exclude == null) {
					exclude = Set.copyOf(ids);
				}
				else if ("eligible".equals(name) && eligible == null) {
					eligible = Set.copyOf(ids);
				}
				else {
					// a key this node does not know may restrict delivery in a way it
					// cannot honour: refused rather than ignored
					throw new IllegalArgumentException("sessions: unexpected key " + name);
				}
			}
			if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
				throw new IllegalArgumentException("sessions is not one object");
			}
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("sessions is not JSON: " + ex.getOriginalMessage());
		}
		return new Received(id, number, instance, seq, nodeId, exclude, eligible, Boolean.TRUE.equals(v2), eventJson);
	}

	/**
	 * A publish read from Redis: its stream id and number in the topic's history
	 * ({@code null} and -1 without history), where it comes from, and what it holds
	 * ({@code v2}: the event is the wrapper of a WAMP v2 payload).
	 */
	record Received(@Nullable StreamId id, long number, long instance, long seq, long nodeId, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible, boolean v2, String eventJson) {

	}

}
