package io.pubsubclub.cluster;

import java.util.List;

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

	/** 101: the versions a consumer speaks. */
	record Hello(List<ProtocolVersion> versions) implements PscMessage {
	}

	/** 102: the version a producer chose and, from 1.1 on, its node id. */
	record Welcome(ProtocolVersion version, @Nullable Long nodeId) implements PscMessage {
	}

	/** 201: topics a consumer wants. */
	record Subscribe(List<String> topics) implements PscMessage {
	}

	/** 202: topics a consumer no longer wants. */
	record Unsubscribe(List<String> topics) implements PscMessage {
	}

	/** 301: an event, its payload kept as the JSON text it arrived as. */
	record Event(String topic, String eventJson) implements PscMessage {
	}

}
