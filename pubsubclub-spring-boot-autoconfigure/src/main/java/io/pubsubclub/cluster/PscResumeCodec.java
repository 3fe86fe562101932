package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import io.pubsubclub.support.SessionListsJson;

/**
 * The frames of PSC 1.2 (resume after a link drop, sessions named by a publish): the
 * 102 with an epoch, the 301 with a sequence number, 203 and 204. Decoding is called by
 * {@link PscCodec}, which owns the parser.
 *
 * @author PubSubClub
 */
final class PscResumeCodec {

	/** Longest epoch accepted from a producer. */
	static final int MAX_EPOCH_LENGTH = 128;

	private PscResumeCodec() {
	}

	static String welcome(long nodeId, String epoch) {
		return "[102,[1,2]," + nodeId + "," + PscCodec.quote(epoch) + "]";
	}

	/**
	 * Return a 1.2 301, copying the event's text once.
	 * @param quotedTopic the topic as a JSON string
	 * @param eventJson the event
	 * @param seq the sequence number
	 * @param sessionsJson the sessions element, if any
	 * @return the frame
	 */
	static String event(String quotedTopic, String eventJson, long seq, @Nullable String sessionsJson) {
		StringBuilder frame = new StringBuilder(quotedTopic.length() + eventJson.length() + 28
				+ ((sessionsJson != null) ? sessionsJson.length() + 1 : 0));
		frame.append("[301,").append(quotedTopic).append(',').append(eventJson).append(',').append(seq);
		if (sessionsJson != null) {
			frame.append(',').append(sessionsJson);
		}
		return frame.append(']').toString();
	}

	static String sessions(@Nullable Collection<String> exclude, @Nullable Collection<String> eligible) {
		return sessions(exclude, eligible, false);
	}

	/**
	 * Return the options element: the session lists and the WAMP v2 flag, each only when
	 * present ({@link SessionListsJson}, the same form as the Redis envelope's).
	 */
	static String sessions(@Nullable Collection<String> exclude, @Nullable Collection<String> eligible, boolean v2) {
		return SessionListsJson.options(exclude, eligible, v2);
	}

	static String resume(String epoch, long lastSeq, Collection<String> topics) {
		StringBuilder frame = new StringBuilder("[203,").append(PscCodec.quote(epoch)).append(',').append(lastSeq);
		for (String topic : topics) {
			frame.append(',').append(PscCodec.quote(topic));
		}
		return frame.append(']').toString();
	}

	static String resumed(boolean complete, long firstSeqStillHeld) {
		return complete ? "[204,true]" : "[204,false," + firstSeqStillHeld + "]";
	}

	static String epoch(String epoch, int type) {
		if (epoch.isEmpty() || epoch.length() > MAX_EPOCH_LENGTH) {
			throw new PscProtocolException(type + " epoch must be 1 to " + MAX_EPOCH_LENGTH + " characters");
		}
		return epoch;
	}

	static long seq(JsonParser parser, int type) {
		if (parser.getStringLength() > PscCodec.MAX_NUMBER_FIELD_LENGTH || (parser.getNumberType() != JsonParser.NumberType.INT
				&& parser.getNumberType() != JsonParser.NumberType.LONG) || parser.getLongValue() < 0) {
			throw new PscProtocolException(type + " sequence number out of range");
		}
		return parser.getLongValue();
	}

	static PscMessage.Sessions decodeSessions(JsonParser parser) {
		Set<String> exclude = null;
		Set<String> eligible = null;
		Boolean v2 = null;
		JsonToken token;
		while ((token = parser.nextToken()) == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			if ("v2".equals(name) && v2 == null) {
				if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
					throw new PscProtocolException("301 options: v2 is not a boolean");
				}
				v2 = (value == JsonToken.VALUE_TRUE);
				continue;
			}
			if (value != JsonToken.START_ARRAY) {
				throw new PscProtocolException("301 sessions: " + name + " is not a list");
			}
			Set<String> ids = new LinkedHashSet<>();
			JsonToken id;
			while ((id = parser.nextToken()) != JsonToken.END_ARRAY) {
				if (id != JsonToken.VALUE_STRING) {
					throw new PscProtocolException("301 sessions: " + name + " holds a non-string");
				}
				ids.add(parser.getString());
			}
			if ("exclude".equals(name) && exclude == null) {
				exclude = Set.copyOf(ids);
			}
			else if ("eligible".equals(name) && eligible == null) {
				eligible = Set.copyOf(ids);
			}
			else {
				// an unknown or repeated key may restrict delivery in a way this node
				// cannot honour: refused rather than ignored
				throw new PscProtocolException("301 sessions: unexpected key " + name);
			}
		}
		if (token != JsonToken.END_OBJECT) {
			throw new PscProtocolException("301 sessions is not an object");
		}
		return new PscMessage.Sessions(exclude, eligible, Boolean.TRUE.equals(v2));
	}

	static PscMessage decodeResume(JsonParser parser) {
		if (parser.nextToken() != JsonToken.VALUE_STRING) {
			throw new PscProtocolException("203 epoch is not a string");
		}
		String epoch = epoch(parser.getString(), 203);
		if (parser.nextToken() != JsonToken.VALUE_NUMBER_INT) {
			throw new PscProtocolException("203 last sequence number is not an integer");
		}
		long lastSeq = seq(parser, 203);
		List<String> topics = new ArrayList<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token != JsonToken.VALUE_STRING) {
				throw new PscProtocolException("203 topic is not a string");
			}
			topics.add(parser.getString());
		}
		return new PscMessage.Resume(epoch, lastSeq, List.copyOf(topics));
	}

	static PscMessage decodeResumed(JsonParser parser) {
		JsonToken token = parser.nextToken();
		if (token == JsonToken.VALUE_TRUE && parser.nextToken() == JsonToken.END_ARRAY) {
			return new PscMessage.Resumed(true, 0);
		}
		if (token == JsonToken.VALUE_FALSE && parser.nextToken() == JsonToken.VALUE_NUMBER_INT) {
			long first = seq(parser, 204);
			if (parser.nextToken() == JsonToken.END_ARRAY) {
				return new PscMessage.Resumed(false, first);
			}
		}
		throw new PscProtocolException("204 must be [204, true] or [204, false, firstSeqStillHeld]");
	}

}
