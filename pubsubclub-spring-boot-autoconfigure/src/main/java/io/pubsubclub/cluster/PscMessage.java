package io.pubsubclub.cluster;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A decoded PSC frame.
 *
 * @author PubSubClub
 */
sealed interface PscMessage {

	int HELLO = 101;

	int WELCOME = 102;

	int SUBSCRIBE = 201;

	int UNSUBSCRIBE = 202;

	int EVENT = 301;

	int RESUME = 203;

	int RESUMED = 204;

	/** 101: the versions a consumer speaks. */
	record Hello(List<ProtocolVersion> versions) implements PscMessage {
	}

	/**
	 * 102: the version a producer chose, from 1.1 on its node id, from 1.2 on its epoch.
	 */
	record Welcome(ProtocolVersion version, @Nullable Long nodeId, @Nullable String epoch) implements PscMessage {

		Welcome(ProtocolVersion version, @Nullable Long nodeId) {
			this(version, nodeId, null);
		}

	}

	/** 201: topics a consumer wants. */
	record Subscribe(List<String> topics) implements PscMessage {
	}

	/** 202: topics a consumer no longer wants. */
	record Unsubscribe(List<String> topics) implements PscMessage {
	}

	/**
	 * 301: an event, its payload kept as the JSON text it arrived as; from 1.2 on with
	 * its sequence number ({@code 0} when absent) and the WAMP sessions it names.
	 */
	record Event(String topic, String eventJson, long seq, @Nullable Sessions sessions) implements PscMessage {

		Event(String topic, String eventJson) {
			this(topic, eventJson, 0, null);
		}

	}

	/**
	 * 1.2's fifth element of a 301: the WAMP sessions a publish excludes, or the only
	 * ones it may reach. An absent list is {@code null}; an empty eligible list reaches
	 * no one. {@code v2}: the event is the wrapper of a WAMP v2 payload (WAMP2.md).
	 */
	record Sessions(@Nullable Set<String> exclude, @Nullable Set<String> eligible, boolean v2) {

		Sessions(@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
			this(exclude, eligible, false);
		}

	}

	/** 203: resume after a drop, from the last sequence number delivered, on these topics. */
	record Resume(String epoch, long lastSeq, List<String> topics) implements PscMessage {
	}

	/**
	 * 204: the replay is over; complete, or with a gap before the first sequence number
	 * still held ({@code 0} when unknown).
	 */
	record Resumed(boolean complete, long firstSeqStillHeld) implements PscMessage {
	}

	/** The message's type as the wire writes it, for log lines and errors. */
	static String type(PscMessage message) {
		if (message instanceof Hello) {
			return "101";
		}
		if (message instanceof Welcome) {
			return "102";
		}
		if (message instanceof Subscribe) {
			return "201";
		}
		if (message instanceof Unsubscribe) {
			return "202";
		}
		if (message instanceof Resume) {
			return "203";
		}
		if (message instanceof Resumed) {
			return "204";
		}
		return "301";
	}

}
