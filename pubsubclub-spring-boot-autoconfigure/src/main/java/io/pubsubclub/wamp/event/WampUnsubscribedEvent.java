package io.pubsubclub.wamp.event;

/**
 * Published when a topic loses its last local subscriber, by an UNSUBSCRIBE or because
 * the last subscribed session closed.
 *
 * @author PubSubClub
 */
public class WampUnsubscribedEvent extends WampTopicEvent {

	public WampUnsubscribedEvent(Object source, String topic) {
		super(source, topic);
	}

}
