package io.pubsubclub.cluster;

/**
 * How long the cluster's hot path took, reported to whoever watches it (a metrics
 * binder, for instance). Called on the publishing and receiving threads: implementations
 * must be quick and must not block.
 *
 * @author PubSubClub
 * @see ClusterLinks#setTimings(ClusterTimings)
 */
public interface ClusterTimings {

	/**
	 * A local publish was queued as a 301 to every consumer link that asked for its
	 * topic.
	 * @param nanos time from the publish ({@code WampPublishedEvent#getPublishedNanos()})
	 * to the last link's queue
	 */
	void forwarded(long nanos);

	/**
	 * A 301 received from a producer was handed to every local subscriber.
	 * @param nanos time from reading the frame off the link to the last subscriber's
	 * outbound buffer
	 */
	void delivered(long nanos);

}
