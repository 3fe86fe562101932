package io.pubsubclub.cluster;

/**
 * Hands the events a consumer link reads to the local subscribers, one at a time, until
 * the link is superseded or closed. Its lock is taken with no other lock held, and only
 * so that a newer link from the same producer, or the link's close, can wait out a
 * delivery in progress: once {@link #stop()} returns, the link delivers nothing more,
 * and a link that replaces it cannot overtake it.
 *
 * @author PubSubClub
 */
final class LinkDelivery {

	private final Object lock = new Object();

	// guarded by lock
	private boolean stopped;

	/**
	 * Deliver an event read on the link, unless the link stopped or closed.
	 */
	void deliver(PeerLink link, PscMessage.Event event, long receivedNanos) {
		synchronized (this.lock) {
			if (!this.stopped && link.status != ClusterState.Status.CLOSED) {
				link.cluster.deliver(event, link.resume.progress, receivedNanos);
			}
		}
	}

	/**
	 * Deliver nothing more, once a delivery in progress has ended.
	 */
	void stop() {
		synchronized (this.lock) {
			this.stopped = true;
		}
	}

}
