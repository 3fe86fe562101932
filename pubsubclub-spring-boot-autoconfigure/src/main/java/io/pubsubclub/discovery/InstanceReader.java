package io.pubsubclub.discovery;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.util.StringUtils;

/**
 * Reads the cluster server a service instance announces in its metadata.
 *
 * @author PubSubClub
 */
final class InstanceReader {

	private InstanceReader() {
	}

	static Result read(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		String port = (metadata != null) ? metadata.get(DiscoveryMetadata.PORT) : null;
		if (!StringUtils.hasText(port)) {
			return Result.skipped("no '" + DiscoveryMetadata.PORT + "' in its metadata");
		}
		String host = instance.getHost();
		if (!StringUtils.hasText(host)) {
			return Result.skipped("no host");
		}
		int clusterPort;
		try {
			clusterPort = Integer.parseInt(port.trim());
		}
		catch (NumberFormatException ex) {
			return Result.skipped("'" + DiscoveryMetadata.PORT + "' is not a port: '" + port + "'");
		}
		if (clusterPort < 1 || clusterPort > 65535) {
			return Result.skipped("'" + DiscoveryMetadata.PORT + "' is not a port: '" + port + "'");
		}
		String nodeIdText = metadata.get(DiscoveryMetadata.NODE_ID);
		Long nodeId = null;
		if (StringUtils.hasText(nodeIdText)) {
			try {
				nodeId = Long.parseLong(nodeIdText.trim());
			}
			catch (NumberFormatException ex) {
				return Result.skipped("'" + DiscoveryMetadata.NODE_ID + "' is not a number: '" + nodeIdText + "'");
			}
		}
		return new Result(new DiscoveredPeer(host, clusterPort, nodeId), null);
	}

	/**
	 * Key under which an instance is remembered between refreshes.
	 */
	static String key(ServiceInstance instance) {
		String id = instance.getInstanceId();
		return StringUtils.hasText(id) ? id : instance.getHost() + ":" + instance.getPort();
	}

	record Result(@Nullable DiscoveredPeer peer, @Nullable String skipReason) {

		static Result skipped(String reason) {
			return new Result(null, reason);
		}

	}

}
