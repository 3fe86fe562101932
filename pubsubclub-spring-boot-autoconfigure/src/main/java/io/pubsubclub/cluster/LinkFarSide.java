package io.pubsubclub.cluster;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link PeerLink} knows of the node at its far end: the node its upgrade header
 * named, the id a far producer sent in 102, and what the handshake found out (the link
 * leads back to this node, the far node uses this node's id, this node already has a
 * ready link with it). Written before the link opens or under its lock; read from any
 * thread.
 *
 * @author PubSubClub
 */
final class LinkFarSide {

	volatile NodeIdentity.@Nullable FarNode node;

	volatile @Nullable Long nodeId;

	volatile boolean selfLink;

	volatile boolean nodeIdConflict;

	volatile boolean duplicate;

	// the key this link holds in ClusterLinks' one-link-per-far-node map, once ready
	volatile @Nullable String claimKey;

	void identified(NodeIdentity.@Nullable FarNode far) {
		this.node = far;
		if (far != null) {
			this.nodeId = far.nodeId();
		}
	}

	// who the far node is, for telling two links to one node apart: its token when it
	// sent one, else the node id a far producer sent in 102
	@Nullable String identity() {
		NodeIdentity.FarNode far = this.node;
		if (far != null) {
			return "token " + far.token();
		}
		Long id = this.nodeId;
		return (id != null) ? "node " + id : null;
	}

}
