package io.pubsubclub.autoconfigure;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.discovery.LocalNode;
import org.jspecify.annotations.Nullable;

/**
 * This cluster node as discovery announces it.
 *
 * @author PubSubClub
 */
final class ClusterLocalNode implements LocalNode {

	private final ClusterNode node;

	ClusterLocalNode(ClusterNode node) {
		this.node = node;
	}

	@Override
	public long nodeId() {
		return this.node.nodeId();
	}

	@Override
	public @Nullable Integer clusterPort() {
		return this.node.serverPort();
	}

}
