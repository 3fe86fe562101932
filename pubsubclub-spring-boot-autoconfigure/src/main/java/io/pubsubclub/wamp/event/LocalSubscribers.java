package io.pubsubclub.wamp.event;

import java.util.Set;

import org.jspecify.annotations.Nullable;

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

	/**
	 * Deliver an event published elsewhere to the local subscribers of the topic that
	 * the publish allows, exactly as a local publish with these lists would: a session
	 * in {@code exclude} does not receive it, and when {@code eligible} is given (even
	 * empty) only the sessions in it may. The delivery is not announced as a
	 * {@link WampPublishedEvent}.
	 * <p>
	 * The default implementation, for a server that knows no session ids, delivers
	 * only an event that names no sessions, so that no session the publish ruled out
	 * receives it.
	 * @param topic the full topic URI
	 * @param eventJson the event payload as JSON text
	 * @param exclude the WAMP session ids that must not receive it, {@code null} for
	 * none
	 * @param eligible the only WAMP session ids that may receive it, {@code null} for
	 * all
	 * @return the number of sessions the event was handed to
	 */
	default int deliver(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		return (exclude == null && eligible == null) ? deliver(topic, eventJson) : 0;
	}

	/**
	 * Deliver an event published elsewhere, as
	 * {@link #deliver(String, String, Set, Set)} does, saying whether the event is the
	 * wrapper {@code {"args": [...], "kwargs": {...}}} of a WAMP v2 payload: a server
	 * with v2 sessions unwraps it for them and delivers it as it is to v1 ones. The
	 * default implementation delivers it as it is to all.
	 * @param topic the full topic URI
	 * @param eventJson the event payload as JSON text
	 * @param exclude the WAMP session ids that must not receive it, {@code null} for
	 * none
	 * @param eligible the only WAMP session ids that may receive it, {@code null} for
	 * all
	 * @param v2 whether the event is the wrapper of a v2 payload
	 * @return the number of sessions the event was handed to
	 */
	default int deliver(String topic, String eventJson, @Nullable Set<String> exclude, @Nullable Set<String> eligible,
			boolean v2) {
		return (exclude == null && eligible == null) ? deliver(topic, eventJson)
				: deliver(topic, eventJson, exclude, eligible);
	}

	/**
	 * Return whether a WAMP session id is one of this server's open sessions. The
	 * cluster leaves such ids out of what it tells other nodes: the lists were applied
	 * to them here already.
	 * @param sessionId the WAMP session id
	 * @return whether it is a local session
	 */
	default boolean hasSession(String sessionId) {
		return false;
	}

}
