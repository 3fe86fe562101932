package io.pubsubclub.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of this node's cluster links. {@link Status#UP UP} when every known link is
 * ready, or none is known; {@link #DEGRADED} when some link is not, with details naming
 * each such link, its state, next attempt and last error.
 * <p>
 * A node whose links are down still serves its own WAMP clients correctly for local
 * traffic, so {@code DEGRADED} is not {@code DOWN}: by default it maps to HTTP 200, so
 * that a load balancer keeps the node. The starter puts {@code DEGRADED} between
 * {@code OUT_OF_SERVICE} and {@code UP} in the default
 * {@code management.endpoint.health.status.order}, so that another component's
 * {@code DOWN} still wins the aggregate.
 *
 * @author PubSubClub
 */
public class PubSubClubHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Some cluster link is not ready: events published on this node may not reach every
	 * other node, nor theirs this one. Local traffic is unaffected.
	 */
	public static final Status DEGRADED = new Status("DEGRADED",
			"Some cluster links are not ready; local WAMP traffic is unaffected");

	private final ClusterNode clusterNode;

	/**
	 * Create the indicator.
	 * @param clusterNode the cluster node
	 */
	public PubSubClubHealthIndicator(ClusterNode clusterNode) {
		super("PubSubClub health check failed");
		this.clusterNode = clusterNode;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ClusterState state = this.clusterNode.state();
		List<Map<String, Object>> notReady = new ArrayList<>();
		int ready = 0;
		for (ClusterState.Link link : state.links()) {
			if (link.status() == ClusterState.Status.READY) {
				ready++;
			}
			else {
				notReady.add(describe(link));
			}
		}
		builder.status(notReady.isEmpty() ? Status.UP : DEGRADED)
			.withDetail("nodeId", state.nodeId())
			.withDetail("ready", ready)
			.withDetail("notReady", notReady.size());
		if (!notReady.isEmpty()) {
			builder.withDetail("links", notReady);
		}
	}

	private static Map<String, Object> describe(ClusterState.Link link) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("address", link.address());
		details.put("direction", PubSubClubEndpoint.lower(link.direction()));
		ClusterState.Role farRole = link.farRole();
		if (farRole != null) {
			details.put("farRole", PubSubClubEndpoint.lower(farRole));
		}
		details.put("state", PubSubClubEndpoint.lower(link.status()));
		if (link.nextAttempt() != null) {
			details.put("nextAttempt", link.nextAttempt().toString());
		}
		if (link.reconnectAttempts() > 0) {
			details.put("reconnectAttempts", link.reconnectAttempts());
		}
		if (link.lastError() != null) {
			details.put("lastError", link.lastError());
		}
		return details;
	}

}
