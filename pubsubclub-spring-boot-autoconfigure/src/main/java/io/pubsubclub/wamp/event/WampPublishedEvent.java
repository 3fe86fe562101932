package io.pubsubclub.wamp.event;

import java.util.Set;

import org.jspecify.annotations.Nullable;

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

	private final @Nullable Set<String> exclude;

	private final @Nullable Set<String> eligible;

	private final boolean v2;

	public WampPublishedEvent(Object source, String topic, String eventJson) {
		this(source, topic, eventJson, null, null);
	}

	/**
	 * Create the event of a publish that names WAMP sessions.
	 * @param source the WAMP server
	 * @param topic the full topic URI
	 * @param eventJson the payload as JSON text
	 * @param exclude the WAMP session ids that must not receive it, {@code null} for
	 * none
	 * @param eligible the only WAMP session ids that may receive it, {@code null} for
	 * all (an empty set reaches no one)
	 */
	public WampPublishedEvent(Object source, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		this(source, topic, eventJson, exclude, eligible, false);
	}

	/**
	 * Create the event of a publish, saying whether its payload is the wrapper of a WAMP
	 * v2 payload.
	 * @param source the WAMP server
	 * @param topic the full topic URI (v1 form)
	 * @param eventJson the payload as JSON text: the event v1 subscribers get
	 * @param exclude the WAMP session ids that must not receive it, {@code null} for
	 * none
	 * @param eligible the only WAMP session ids that may receive it, {@code null} for
	 * all (an empty set reaches no one)
	 * @param v2 whether {@code eventJson} is the wrapper {@code {"args": [...], "kwargs":
	 * {...}}} of a WAMP v2 payload, which nodes unwrap for their v2 subscribers
	 */
	public WampPublishedEvent(Object source, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible, boolean v2) {
		super(source, topic);
		this.v2 = v2;
		this.eventJson = eventJson;
		this.publishedNanos = System.nanoTime();
		this.exclude = exclude;
		this.eligible = eligible;
	}

	/**
	 * Return the WAMP sessions that must not receive the event, the publisher's own
	 * included when it excluded itself. Session ids are unique across the cluster.
	 * @return the excluded session ids, {@code null} for none
	 */
	public @Nullable Set<String> getExclude() {
		return this.exclude;
	}

	/**
	 * Return the only WAMP sessions that may receive the event.
	 * @return the eligible session ids, {@code null} when any subscriber may (an empty
	 * set reaches no one)
	 */
	public @Nullable Set<String> getEligible() {
		return this.eligible;
	}

	/**
	 * Return whether the payload is the wrapper of a WAMP v2 payload (the cluster's
	 * {@code "v2"} flag of PSC 1.2).
	 * @return whether the payload is a v2 wrapper
	 */
	public boolean isV2() {
		return this.v2;
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
