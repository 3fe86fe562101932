package io.pubsubclub.cluster;

import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

/**
 * Told when a peer was heard from (its link dialled in, or a handshake named its node
 * id), so that a dialler waiting out its back-off toward that peer dials at once.
 * Implemented by the client connector.
 *
 * @author PubSubClub
 */
@FunctionalInterface
public interface PeerSightings {

	/** Tells no one. */
	PeerSightings NONE = (nodeId, host, clusterPort) -> {
	};

	/**
	 * A peer was heard from.
	 * @param nodeId its node id, if known
	 * @param host its address, if known
	 * @param clusterPort the cluster port it serves, if known
	 */
	void seen(@Nullable Long nodeId, @Nullable InetAddress host, @Nullable Integer clusterPort);

}
