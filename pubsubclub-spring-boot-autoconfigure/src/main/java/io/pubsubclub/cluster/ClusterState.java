package io.pubsubclub.cluster;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * A read-only snapshot of this node's cluster: its id, roles, server and links, and
 * cluster-wide counters. Taken by {@link ClusterNode#state()}.
 *
 * @param nodeId this node's id
 * @param roles the roles this node plays, each with its mode
 * @param server the bound address of the cluster server, or {@code null} when no role
 * serves
 * @param links every link: accepted, dialled, and servers being dialled or backing off
 * @param totals cluster-wide counters
 * @param nodeIdConflicts open links to other nodes that use this node's id
 * @author PubSubClub
 */
public record ClusterState(long nodeId, Map<Role, Mode> roles, @Nullable InetSocketAddress server, List<Link> links,
		Totals totals, List<NodeIdConflict> nodeIdConflicts) {

	/**
	 * Create a snapshot without node id conflicts.
	 * @param nodeId this node's id
	 * @param roles the roles this node plays, each with its mode
	 * @param server the bound address of the cluster server
	 * @param links every link
	 * @param totals cluster-wide counters
	 */
	public ClusterState(long nodeId, Map<Role, Mode> roles, @Nullable InetSocketAddress server, List<Link> links,
			Totals totals) {
		this(nodeId, roles, server, links, totals, List.of());
	}

	/**
	 * A PSC role.
	 */
	public enum Role {

		/** Forwards local publishes to consumers. */
		PRODUCER,

		/** Receives publishes from producers for its local subscribers. */
		CONSUMER;

		Role opposite() {
			return (this == PRODUCER) ? CONSUMER : PRODUCER;
		}

	}

	/**
	 * Which side of the WebSocket connection a role takes.
	 */
	public enum Mode {

		/** Dials the servers. */
		CLIENT,

		/** Listens on the cluster port. */
		SERVER

	}

	/**
	 * Who opened a link.
	 */
	public enum Direction {

		/** This node dialled the far side. */
		DIALLED,

		/** The far side dialled this node's cluster server. */
		ACCEPTED

	}

	/**
	 * State of a link.
	 */
	public enum Status {

		/** The WebSocket connection is being opened. */
		CONNECTING,

		/** Open, waiting for 101/102. */
		HANDSHAKING,

		/** Handshake done, events flow. */
		READY,

		/** A dialled server is waiting for its next attempt. */
		BACKING_OFF,

		/**
		 * A dialled server that leads to a node this node already has a ready link with
		 * under another address; dialled again when that link goes away.
		 */
		DUPLICATE,

		/** Closed for good. */
		CLOSED

	}

	/**
	 * One link, or one dialled server that has no open link at the moment.
	 *
	 * @param address the far side's address
	 * @param direction who opened the link
	 * @param farRole the role the far side plays, {@code null} while it is not known yet
	 * @param status the link state
	 * @param nextAttempt when the next dial attempt is due, when backing off
	 * @param version the negotiated protocol version, once the handshake is done
	 * @param farNodeId the far producer's node id, when it sent one
	 * @param connectedSince when the WebSocket connection opened
	 * @param topics the topics the consumer side of the link asked for
	 * @param messagesIn frames received
	 * @param messagesOut frames handed to the send buffer
	 * @param bytesIn characters received
	 * @param bytesOut characters handed to the send buffer
	 * @param drops frames that could not be queued
	 * @param reconnectAttempts dial attempts since the server was added
	 * @param lastError last error or close reason, if any
	 */
	public record Link(String address, Direction direction, @Nullable Role farRole, Status status,
			@Nullable Instant nextAttempt, @Nullable String version, @Nullable Long farNodeId,
			@Nullable Instant connectedSince, Set<String> topics, long messagesIn, long messagesOut, long bytesIn,
			long bytesOut, long drops, long reconnectAttempts, @Nullable String lastError) {
	}

	/**
	 * An open link to another node that uses this node's id.
	 *
	 * @param address the far side's address
	 * @param direction who opened the link
	 * @param nodeId the id, the same as this node's
	 * @param clusterPort the port the far node serves, when it dialled and told
	 */
	public record NodeIdConflict(String address, Direction direction, long nodeId, @Nullable Integer clusterPort) {
	}

	/**
	 * Cluster-wide counters since start-up.
	 *
	 * @param publishesForwarded local publishes sent to at least one consumer
	 * @param eventsForwarded 301 frames queued to consumers
	 * @param eventsReceived 301 frames received from producers
	 * @param badFrames links closed for breaking the protocol
	 * @param slowPeerDisconnects links closed because the peer could not keep up
	 * @param handshakes handshakes completed
	 * @param handshakeNanos total time handshakes took
	 * @param selfLinks links found to lead back to this node
	 * @param reconnectAttempts dial attempts after the first to a server
	 * @param framesDropped frames a link could not queue (buffer full or link closing)
	 */
	public record Totals(long publishesForwarded, long eventsForwarded, long eventsReceived, long badFrames,
			long slowPeerDisconnects, long handshakes, long handshakeNanos, long selfLinks, long reconnectAttempts,
			long framesDropped) {
	}

}
