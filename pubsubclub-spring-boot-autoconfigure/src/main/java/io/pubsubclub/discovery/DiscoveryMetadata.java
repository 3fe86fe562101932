package io.pubsubclub.discovery;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Keys of the service-instance metadata through which a node announces itself to the
 * other nodes of its cluster. An instance without {@link #PORT} is no cluster server and
 * is skipped.
 *
 * @author PubSubClub
 */
public final class DiscoveryMetadata {

	/**
	 * Metadata key for the port of the node's cluster server (decimal).
	 */
	public static final String PORT = "pubsubclub-port";

	/**
	 * Metadata key for the node's id (decimal), the one it sends in the handshake.
	 */
	public static final String NODE_ID = "pubsubclub-node-id";

	private DiscoveryMetadata() {
	}

	/**
	 * The metadata a node announces.
	 * @param clusterPort port of the node's cluster server
	 * @param nodeId the node's id, or {@code null} to announce none
	 * @return the metadata entries
	 */
	public static Map<String, String> of(int clusterPort, @Nullable Long nodeId) {
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put(PORT, Integer.toString(clusterPort));
		if (nodeId != null) {
			metadata.put(NODE_ID, Long.toString(nodeId));
		}
		return metadata;
	}

}
