package io.pubsubclub.wamp.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the events the WAMP server publishes about one topic. The topic is
 * always a full URI, never a CURIE.
 *
 * @author PubSubClub
 */
public abstract class WampTopicEvent extends ApplicationEvent {

	private final String topic;

	protected WampTopicEvent(Object source, String topic) {
		super(source);
		this.topic = topic;
	}

	/**
	 * Return the full URI of the topic.
	 * @return the topic URI
	 */
	public String getTopic() {
		return this.topic;
	}

}
