package io.pubsubclub.wamp.event;

/**
 * Published when a topic gains its first local subscriber. Published on the thread
 * that handled the subscription; listeners must not block.
 *
 * @author PubSubClub
 */
public class WampSubscribedEvent extends WampTopicEvent {

	public WampSubscribedEvent(Object source, String topic) {
		super(source, topic);
	}

}
