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
 * Health of this node's cluster links. {@link Status#UP UP} when every link is ready, or
 * none is known; {@link #DEGRADED} when some dialled server or ready link is not, with
 * details naming each such link, its state, next attempt and last error, or when a link
 * reaches another node that uses this node's id ({@code nodeIdConflicts}).
 * <p>
 * Connections accepted on the cluster port that have not completed their handshake are
 * counted apart ({@code handshaking}) and do not make the node {@code DEGRADED}: anyone
 * who can reach the port could open them, and the handshake timeout closes them. A
 * dialled server given up as a duplicate of another address of the same node
 * ({@code duplicate}) is not a fault either.
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
			"Some cluster links are not ready, or another node uses this node's id; local WAMP traffic is unaffected");

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
		int handshaking = 0;
		int duplicates = 0;
		for (ClusterState.Link link : state.links()) {
			if (link.status() == ClusterState.Status.READY) {
				ready++;
			}
			else if (link.status() == ClusterState.Status.DUPLICATE) {
				duplicates++;
			}
			else if (link.direction() == ClusterState.Direction.ACCEPTED) {
				// not one of this node's peers until its handshake is done
				handshaking++;
			}
			else {
				notReady.add(describe(link));
			}
		}
		List<Map<String, Object>> conflicts = new ArrayList<>();
		for (ClusterState.NodeIdConflict conflict : state.nodeIdConflicts()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("address", conflict.address());
			details.put("direction", PubSubClubEndpoint.lower(conflict.direction()));
			details.put("nodeId", conflict.nodeId());
			if (conflict.clusterPort() != null) {
				details.put("clusterPort", conflict.clusterPort());
			}
			conflicts.add(details);
		}
		builder.status((notReady.isEmpty() && conflicts.isEmpty()) ? Status.UP : DEGRADED)
			.withDetail("nodeId", state.nodeId())
			.withDetail("ready", ready)
			.withDetail("notReady", notReady.size())
			.withDetail("handshaking", handshaking);
		if (duplicates > 0) {
			builder.withDetail("duplicate", duplicates);
		}
		if (!notReady.isEmpty()) {
			builder.withDetail("links", notReady);
		}
		if (!conflicts.isEmpty()) {
			builder.withDetail("nodeIdConflicts", conflicts);
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
