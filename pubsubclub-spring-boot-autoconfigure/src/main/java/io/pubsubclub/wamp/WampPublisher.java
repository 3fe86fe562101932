package io.pubsubclub.wamp;

import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * Publishes events to WAMP subscribers from application code: the Java face of
 * Autobahn's {@code factory.dispatch(topic, event, exclude, eligible)}. A publish reaches
 * the local subscribers of the topic and is announced as a
 * {@link io.pubsubclub.wamp.event.WampPublishedEvent}, so that a cluster spreads it
 * further. Never blocks on a slow subscriber.
 *
 * @author PubSubClub
 */
public interface WampPublisher {

	/**
	 * Publish an event to every subscriber of the topic.
	 * @param topic the full topic URI
	 * @param event the event, any value Jackson can write, {@code null} included
	 * @return the number of local sessions the event was handed to
	 */
	default int publish(String topic, @Nullable Object event) {
		return publish(topic, event, java.util.List.of(), null);
	}

	/**
	 * Publish an event to the subscribers of the topic but those excluded, and only to
	 * the eligible ones when a list of them is given.
	 * @param topic the full topic URI
	 * @param event the event, any value Jackson can write, {@code null} included
	 * @param exclude WAMP session ids that must not receive the event; unknown ids are
	 * ignored
	 * @param eligible WAMP session ids that alone may receive the event, or {@code null}
	 * for all subscribers; an empty collection means nobody
	 * @return the number of local sessions the event was handed to
	 * @throws IllegalArgumentException if the topic holds an unpaired surrogate (one in
	 * the event is sent as a JSON unicode escape)
	 */
	int publish(String topic, @Nullable Object event, Collection<String> exclude,
			@Nullable Collection<String> eligible);

	/**
	 * Publish an event on behalf of a WAMP session, as if the session had sent PUBLISH:
	 * the session's publish rules and limits apply, and the session itself does not
	 * receive the event (Autobahn's default exclusion). For a procedure that publishes
	 * for its caller.
	 * @param publisher the session on whose behalf the event is published, as given to
	 * the procedure
	 * @param topic the full topic URI
	 * @param event the event, any value Jackson can write, {@code null} included
	 * @return the number of local sessions the event was handed to
	 * @throws WampRpcException with {@code http://api.wamp.ws/error#not-authorized} if
	 * the session may not publish on the topic
	 */
	default int publish(WampSession publisher, String topic, @Nullable Object event) {
		return publish(publisher, topic, event, java.util.List.of(publisher.getId()), null);
	}

	/**
	 * Publish an event on behalf of a WAMP session to the subscribers of the topic but
	 * those excluded, and only to the eligible ones when a list of them is given; the
	 * session's publish rules and limits apply.
	 * @param publisher the session on whose behalf the event is published
	 * @param topic the full topic URI
	 * @param event the event, any value Jackson can write, {@code null} included
	 * @param exclude WAMP session ids that must not receive the event
	 * @param eligible WAMP session ids that alone may receive the event, or {@code null}
	 * for all subscribers
	 * @return the number of local sessions the event was handed to; {@code 0} when the
	 * session has closed
	 * @throws WampRpcException with {@code http://api.wamp.ws/error#not-authorized} if
	 * the session may not publish on the topic, {@code #invalid-argument} if the topic is
	 * longer than the session may use, {@code #busy} if the session is over its publish
	 * rate where it cannot be slowed; a procedure that lets it through answers its CALL
	 * with it
	 * @throws IllegalArgumentException if the session is not one of this server's
	 */
	int publish(WampSession publisher, String topic, @Nullable Object event, Collection<String> exclude,
			@Nullable Collection<String> eligible);

}
