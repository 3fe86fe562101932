package io.pubsubclub.discovery;

/**
 * Where discovered cluster servers go: the client side of the cluster dials every peer
 * added and closes the link to, and stops retrying, every peer removed.
 * <p>
 * Called from the discovery thread only, one call at a time; implementations should
 * return quickly and dial asynchronously.
 *
 * @author PubSubClub
 */
public interface PeerRegistrar {

	/**
	 * Start dialling a peer that discovery found.
	 * @param peer the peer
	 */
	void add(DiscoveredPeer peer);

	/**
	 * Stop dialling a peer that left the registry and close its link.
	 * @param peer the peer, as it was added
	 */
	void remove(DiscoveredPeer peer);

	/**
	 * Tell that a known peer is listed again as alive (back within the debounce time, or
	 * announcing a new node id after a restart), so that a link waiting out its back-off
	 * toward it dials at once.
	 * @param peer the peer
	 */
	default void seen(DiscoveredPeer peer) {
	}

}
