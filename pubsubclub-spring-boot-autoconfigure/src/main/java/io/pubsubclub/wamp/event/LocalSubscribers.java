package io.pubsubclub.wamp.event;

import java.util.Set;

/**
 * The local subscribers of a WAMP server, as seen from outside it: which topics they
 * hold, and a way to hand them events that were published elsewhere. Implemented by the
 * WAMP server; a WAMP server of the user's own joins the cluster by implementing it and
 * publishing the {@link WampTopicEvent events} of this package.
 *
 * @author PubSubClub
 */
public interface LocalSubscribers {

	/**
	 * Return the full URIs of the topics that have at least one local subscriber.
	 * @return a snapshot of the subscribed topics
	 */
	Set<String> topics();

	/**
	 * Return whether the topic has at least one local subscriber, without taking a
	 * snapshot of every topic.
	 * @param topic the full topic URI
	 * @return whether the topic is subscribed locally
	 */
	default boolean hasSubscribers(String topic) {
		return topics().contains(topic);
	}

	/**
	 * Deliver an event published elsewhere to every local subscriber of the topic. The
	 * delivery is not announced as a {@link WampPublishedEvent}.
	 * @param topic the full topic URI
	 * @param eventJson the event payload as JSON text
	 * @return the number of sessions the event was handed to
	 */
	int deliver(String topic, String eventJson);

}
