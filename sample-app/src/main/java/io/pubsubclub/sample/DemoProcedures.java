package io.pubsubclub.sample;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampProcedure;
import io.pubsubclub.wamp.WampPublisher;
import io.pubsubclub.wamp.WampRpcException;
import io.pubsubclub.wamp.WampSession;
import org.springframework.stereotype.Component;

/**
 * The procedures of the original PubSubClub demo.
 *
 * @author PubSubClub
 */
@Component
class DemoProcedures {

	private final WampPublisher publisher;

	DemoProcedures(WampPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Publish {@code content} on {@code channel} to every subscriber but the caller, on
	 * the caller's behalf: the caller's publish rules ({@code pubsubclub.wamp.topics.publish})
	 * and publish budget apply, as to its own PUBLISH.
	 * @param request {@code {"channel": topic, "content": event}}
	 * @param caller the calling session
	 * @return an empty object
	 */
	@WampProcedure("http://example.com/pubsub#publish")
	Map<String, Object> publish(PublishRequest request, WampSession caller) {
		if (request.channel() == null || request.channel().isEmpty()) {
			throw new WampRpcException("http://example.com/pubsub#invalid-channel", "channel is required");
		}
		this.publisher.publish(caller, caller.resolve(request.channel()), request.content());
		return Map.of();
	}

	record PublishRequest(@Nullable String channel, @Nullable JsonNode content) {
	}

}
