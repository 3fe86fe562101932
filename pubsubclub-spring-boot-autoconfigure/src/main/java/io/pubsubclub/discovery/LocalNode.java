package io.pubsubclub.discovery;

import org.jspecify.annotations.Nullable;

/**
 * This node as discovery announces it and excludes it from its own peers.
 *
 * @author PubSubClub
 */
public interface LocalNode {

	/**
	 * Id of this node, the one its producer sends in the handshake.
	 * @return the node id
	 */
	long nodeId();

	/**
	 * Port this node's cluster server is bound to.
	 * @return the port, or {@code null} when this node serves no cluster port
	 */
	@Nullable Integer clusterPort();

}
