package io.pubsubclub.wamp.event;

/**
 * Published for every local publish, whether a WAMP client sent PUBLISH or application
 * code published through the server's publisher bean. Events delivered through
 * {@link LocalSubscribers#deliver(String, String)} are never announced this way, so
 * whatever spreads these events further cannot loop.
 * <p>
 * The event payload is carried as the JSON text it was encoded to once, so that a
 * listener can put it on the wire as it is, without parsing or encoding it again.
 *
 * @author PubSubClub
 */
public class WampPublishedEvent extends WampTopicEvent {

	private final String eventJson;

	private final long publishedNanos;

	public WampPublishedEvent(Object source, String topic, String eventJson) {
		super(source, topic);
		this.eventJson = eventJson;
		this.publishedNanos = System.nanoTime();
	}

	/**
	 * Return the event payload as JSON text (any JSON value, {@code null} included).
	 * @return the payload JSON
	 */
	public String getEventJson() {
		return this.eventJson;
	}

	/**
	 * Return the {@link System#nanoTime()} at which the publish was made, for latency
	 * measurements within one JVM.
	 * @return the publish time in nanoseconds
	 */
	public long getPublishedNanos() {
		return this.publishedNanos;
	}

}
