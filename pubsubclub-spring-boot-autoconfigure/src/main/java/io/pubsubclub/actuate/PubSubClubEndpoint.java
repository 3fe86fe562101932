package io.pubsubclub.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterPeers;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.transport.LinkSecurity;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@link Endpoint @Endpoint} that shows this PubSubClub node: its id, roles, cluster
 * server and every peer link, the local WAMP topics and sessions; and reconnects peers.
 * Works with the WAMP server alone (no cluster part), with the cluster alone (no WAMP
 * part), or both.
 * <p>
 * Read-only by default: the write operations, which cut links, must be granted with
 * {@code management.endpoint.pubsubclub.access=unrestricted}, and are then limited to one
 * forced redial per interval for all servers and for each one.
 *
 * @author PubSubClub
 */
@Endpoint(id = "pubsubclub", defaultAccess = Access.READ_ONLY)
public class PubSubClubEndpoint {

	/** Default shortest time between two forced redials of the same servers. */
	public static final Duration DEFAULT_FORCED_RECONNECT_INTERVAL = Duration.ofSeconds(10);

	/** Most topics listed per link; {@link LinkDescriptor#topicCount()} has them all. */
	public static final int MAX_LINK_TOPICS = 20;

	/** Most local topics listed; {@link WampDescriptor#topicCount()} has them all. */
	public static final int MAX_LOCAL_TOPICS = 100;

	private final @Nullable WampServer wampServer;

	private final @Nullable ClusterNode clusterNode;

	private final ForcedReconnects forcedReconnects;
	private final @Nullable LinkSecurity linkSecurity;

	private volatile java.util.function.@Nullable Supplier<io.pubsubclub.redis.RedisBackplaneState> redisBackplane;

	/**
	 * Create the endpoint, with the default limit on forced redials.
	 * @param wampServer the WAMP server, if this node runs one
	 * @param clusterNode the cluster node, if this node is in a cluster
	 */
	public PubSubClubEndpoint(@Nullable WampServer wampServer, @Nullable ClusterNode clusterNode) {
		this(wampServer, clusterNode, DEFAULT_FORCED_RECONNECT_INTERVAL);
	}

	/**
	 * Create the endpoint.
	 * @param wampServer the WAMP server, if this node runs one
	 * @param clusterNode the cluster node, if this node is in a cluster
	 * @param forcedReconnectInterval shortest time between two forced redials of all
	 * servers or of the same one; zero for no limit
	 */
	public PubSubClubEndpoint(@Nullable WampServer wampServer, @Nullable ClusterNode clusterNode,
			Duration forcedReconnectInterval) {
		this(wampServer, clusterNode, forcedReconnectInterval, null);
	}

	/**
	 * Create the endpoint.
	 * @param wampServer the WAMP server, if this node runs one
	 * @param clusterNode the cluster node, if this node is in a cluster
	 * @param forcedReconnectInterval shortest time between two forced redials of all
	 * servers or of the same one; zero for no limit
	 * @param linkSecurity how the cluster links are secured, if this node is in a cluster
	 */
	public PubSubClubEndpoint(@Nullable WampServer wampServer, @Nullable ClusterNode clusterNode,
			Duration forcedReconnectInterval, @Nullable LinkSecurity linkSecurity) {
		this.wampServer = wampServer;
		this.clusterNode = clusterNode;
		this.forcedReconnects = new ForcedReconnects(forcedReconnectInterval, Instant::now);
		this.linkSecurity = linkSecurity;
	}

	/**
	 * Describe this node: the cluster part as a snapshot of its links, and the WAMP part.
	 * @return the node
	 */
	@ReadOperation
	public NodeDescriptor node() {
		java.util.function.Supplier<io.pubsubclub.redis.RedisBackplaneState> redis = this.redisBackplane;
		return new NodeDescriptor(cluster(), wamp(), (redis != null) ? redis.get() : null);
	}

	/**
	 * Show the Redis backplane, when this node runs one in place of the cluster mesh.
	 * @param redisBackplane a snapshot of the backplane, {@code null} for none
	 */
	public void setRedisBackplane(java.util.function.@Nullable Supplier<io.pubsubclub.redis.RedisBackplaneState> redisBackplane) {
		this.redisBackplane = redisBackplane;
	}

	/**
	 * Close every dialled link and dial its server again at once. Links that other nodes
	 * dialled into this one are left alone: their side redials.
	 * @return the servers being dialled again; HTTP 429 with {@code refused} set when a
	 * redial was forced less than the interval ago
	 */
	@WriteOperation
	public WebEndpointResponse<ReconnectDescriptor> reconnectAll() {
		ClusterNode node = this.clusterNode;
		ClusterPeers peers = (node != null) ? node.peers() : null;
		if (node == null || peers == null) {
			return new WebEndpointResponse<>(new ReconnectDescriptor(List.of(), null));
		}
		Instant next = this.forcedReconnects.acquire(ForcedReconnects.ALL);
		if (next != null) {
			return refused("all dialled servers", next);
		}
		node.reconnectAll();
		return new WebEndpointResponse<>(
				new ReconnectDescriptor(peers.servers().stream().map(PeerAddress::toString).sorted().toList(), null));
	}

	/**
	 * Close the links to one dialled server and dial it again at once.
	 * @param peer the server's address, {@code host:port} or {@code [ipv6]:port}; in a
	 * URL path the brackets are encoded: {@code %5B::1%5D:19000}
	 * @return the server being dialled again; HTTP 429 with {@code refused} set when a
	 * redial of it (or of all) was forced less than the interval ago
	 * @throws InvalidEndpointRequestException (HTTP 400) if the address is malformed or
	 * this node does not dial that server
	 */
	@WriteOperation
	public WebEndpointResponse<ReconnectDescriptor> reconnect(@Selector String peer) {
		PeerAddress address;
		try {
			address = PeerAddress.parse(peer);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(ex.getMessage(), ex.getMessage());
		}
		ClusterNode node = this.clusterNode;
		ClusterPeers peers = (node != null) ? node.peers() : null;
		if (node == null || peers == null || !peers.servers().contains(address)) {
			String reason = "Not a server this node dials: " + address;
			throw new InvalidEndpointRequestException(reason, reason);
		}
		Instant next = this.forcedReconnects.acquire(address.toString());
		if (next != null) {
			return refused(address.toString(), next);
		}
		node.reconnect(address);
		return new WebEndpointResponse<>(new ReconnectDescriptor(List.of(address.toString()), null));
	}

	private WebEndpointResponse<ReconnectDescriptor> refused(String target, Instant next) {
		String reason = "Redial of " + target + " refused: at most one forced redial per "
				+ this.forcedReconnects.interval() + " (pubsubclub.link.forced-reconnect-interval); next allowed at "
				+ next;
		return new WebEndpointResponse<>(new ReconnectDescriptor(List.of(), reason),
				WebEndpointResponse.STATUS_TOO_MANY_REQUESTS);
	}

	private @Nullable ClusterDescriptor cluster() {
		ClusterNode node = this.clusterNode;
		if (node == null) {
			return null;
		}
		ClusterState state = node.state();
		Map<String, String> roles = new LinkedHashMap<>();
		state.roles().forEach((role, mode) -> roles.put(lower(role), lower(mode)));
		List<LinkDescriptor> links = new ArrayList<>();
		for (ClusterState.Link link : state.links()) {
			links.add(LinkDescriptor.of(link));
		}
		links.sort((a, b) -> (a.address() + a.direction()).compareTo(b.address() + b.direction()));
		InetSocketAddress server = state.server();
		List<NodeIdConflictDescriptor> conflicts = state.nodeIdConflicts()
			.stream()
			.map((conflict) -> new NodeIdConflictDescriptor(conflict.address(), lower(conflict.direction()),
					conflict.nodeId(), conflict.clusterPort()))
			.toList();
		return new ClusterDescriptor(state.nodeId(), roles,
				(server != null) ? new PeerAddress(server.getHostString(), server.getPort()).toString() : null,
				List.copyOf(links), TotalsDescriptor.of(state.totals()), conflicts,
				(this.linkSecurity != null) ? this.linkSecurity.state() : null);
	}

	private @Nullable WampDescriptor wamp() {
		WampServer server = this.wampServer;
		if (server == null) {
			return null;
		}
		Map<String, Integer> counts = server.getTopicSubscriberCounts();
		Map<String, Integer> listed = new LinkedHashMap<>();
		for (Map.Entry<String, Integer> entry : counts.entrySet()) {
			if (listed.size() == MAX_LOCAL_TOPICS) {
				break;
			}
			listed.put(entry.getKey(), entry.getValue());
		}
		Map<String, Long> limits = new LinkedHashMap<>();
		for (WampServerMetrics.Limit limit : WampServerMetrics.Limit.values()) {
			limits.put(limit.propertyName(), server.getMetrics().getLimitRefusals(limit));
		}
		return new WampDescriptor(server.getSessionCount(), counts.size(), listed, limits);
	}

	static String lower(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * A node: its cluster part and its WAMP part.
	 *
	 * @param cluster the cluster part, {@code null} when the node is not in a cluster
	 * @param wamp the WAMP part, {@code null} when the node runs no WAMP server
	 * @param redis the Redis backplane (mode, endpoint without credentials, subscribed
	 * channels, reconnects, last error, counters), {@code null} when the node runs none
	 */
	public record NodeDescriptor(@Nullable ClusterDescriptor cluster, @Nullable WampDescriptor wamp,
			io.pubsubclub.redis.@Nullable RedisBackplaneState redis) implements OperationResponseBody {

		public NodeDescriptor(@Nullable ClusterDescriptor cluster, @Nullable WampDescriptor wamp) {
			this(cluster, wamp, null);
		}

	}

	/**
	 * The cluster as this node sees it.
	 *
	 * @param nodeId this node's id
	 * @param roles each role this node plays ({@code producer}, {@code consumer}) and its
	 * mode ({@code client}, {@code server})
	 * @param server the address the cluster server is bound to, {@code null} when no role
	 * serves
	 * @param links every link and every dialled server without an open link
	 * @param totals cluster-wide counters since start-up
	 * @param nodeIdConflicts open links to other nodes that use this node's id
	 * @param security how the links are secured (authentication, TLS) and the links
	 * refused by reason; never a secret
	 */
	public record ClusterDescriptor(long nodeId, Map<String, String> roles, @Nullable String server,
			List<LinkDescriptor> links, TotalsDescriptor totals, List<NodeIdConflictDescriptor> nodeIdConflicts,
			LinkSecurity.@Nullable State security) {
	}

	/**
	 * A link to another node that uses this node's id: a configuration fault to fix
	 * (every node needs its own id), though events still flow.
	 *
	 * @param address the far side's address
	 * @param direction {@code dialled} or {@code accepted}
	 * @param nodeId the id both nodes use
	 * @param clusterPort the port the other node's cluster server listens on, when it
	 * dialled this node and told
	 */
	public record NodeIdConflictDescriptor(String address, String direction, long nodeId,
			@Nullable Integer clusterPort) {
	}

	/**
	 * One peer link, or one dialled server that has no open link at the moment.
	 *
	 * @param address the far side's address
	 * @param direction {@code dialled} (this node opened it) or {@code accepted}
	 * @param farRole the role the far side plays, {@code null} until known
	 * @param state {@code connecting}, {@code handshaking}, {@code ready},
	 * {@code backing-off}, {@code duplicate} (a dialled server that leads to a node
	 * already linked under another address) or {@code closed}
	 * @param nextAttempt when the next dial attempt is due, when backing off
	 * @param version the negotiated protocol version, once the handshake is done
	 * @param farNodeId the far producer's node id, when it sent one
	 * @param connectedSince when the WebSocket connection opened
	 * @param topicCount how many topics the consumer side asked for
	 * @param topics the first {@value PubSubClubEndpoint#MAX_LINK_TOPICS} of them, sorted
	 * @param messagesIn frames received
	 * @param messagesOut frames queued to be sent
	 * @param bytesIn size of the frames received, counted in characters of frame text
	 * @param bytesOut size of the frames queued, counted in characters of frame text
	 * @param drops frames that could not be queued
	 * @param reconnectAttempts dial attempts since the server was added (dialled only)
	 * @param lastError last error or close reason, if any
	 * @param lastResume how the last resume after a drop went (PSC 1.2), if the link
	 * resumed
	 */
	public record LinkDescriptor(String address, String direction, @Nullable String farRole, String state,
			@Nullable Instant nextAttempt, @Nullable String version, @Nullable Long farNodeId,
			@Nullable Instant connectedSince, int topicCount, List<String> topics, long messagesIn,
			long messagesOut, long bytesIn, long bytesOut, long drops, long reconnectAttempts,
			@Nullable String lastError, @Nullable ResumeDescriptor lastResume) {

		static LinkDescriptor of(ClusterState.Link link) {
			Set<String> sorted = new TreeSet<>(link.topics());
			List<String> topics = sorted.stream().limit(MAX_LINK_TOPICS).toList();
			ClusterState.Role farRole = link.farRole();
			return new LinkDescriptor(link.address(), lower(link.direction()),
					(farRole != null) ? lower(farRole) : null, lower(link.status()), link.nextAttempt(),
					link.version(), link.farNodeId(), link.connectedSince(), sorted.size(), topics,
					link.messagesIn(), link.messagesOut(), link.bytesIn(), link.bytesOut(), link.drops(),
					link.reconnectAttempts(), link.lastError(), ResumeDescriptor.of(link.lastResume()));
		}

	}

	/**
	 * How the last resume of a link after a drop went.
	 *
	 * @param at when the replay ended
	 * @param replayed events sent again
	 * @param outcome {@code complete}, or {@code gap} when events were lost
	 * @param missed sequence numbers lost, {@code null} when unknown
	 * @param topicCount how many topics were resumed
	 */
	public record ResumeDescriptor(Instant at, long replayed, String outcome, @Nullable Long missed,
			int topicCount) {

		static @Nullable ResumeDescriptor of(ClusterState.@Nullable Resume resume) {
			return (resume != null) ? new ResumeDescriptor(resume.at(), resume.replayed(),
					resume.complete() ? "complete" : "gap", resume.missed(), resume.topics().size()) : null;
		}

	}

	/**
	 * Cluster-wide counters since start-up.
	 *
	 * @param publishesForwarded local publishes sent to at least one consumer
	 * @param eventsForwarded 301 frames queued to consumers
	 * @param eventsReceived 301 frames received from producers
	 * @param badFrames links closed for breaking the protocol
	 * @param slowPeerDisconnects links cut off because the peer could not keep up
	 * @param framesDropped frames a link could not queue
	 * @param reconnectAttempts dial attempts after the first to a server
	 * @param handshakes handshakes completed
	 * @param handshakeMillisTotal total time the handshakes took, in milliseconds
	 * @param selfLinks links found to lead back to this node
	 * @param resume counters of resume after a link drop (PSC 1.2)
	 */
	public record TotalsDescriptor(long publishesForwarded, long eventsForwarded, long eventsReceived,
			long badFrames, long slowPeerDisconnects, long framesDropped, long reconnectAttempts, long handshakes,
			double handshakeMillisTotal, long selfLinks, ClusterState.ResumeTotals resume) {

		static TotalsDescriptor of(ClusterState.Totals totals) {
			return new TotalsDescriptor(totals.publishesForwarded(), totals.eventsForwarded(),
					totals.eventsReceived(), totals.badFrames(), totals.slowPeerDisconnects(), totals.framesDropped(),
					totals.reconnectAttempts(), totals.handshakes(), totals.handshakeNanos() / 1e6,
					totals.selfLinks(), totals.resume());
		}

	}

	/**
	 * The local WAMP server.
	 *
	 * @param sessions WAMP sessions open now
	 * @param topicCount topics with at least one local subscriber
	 * @param topics the first {@value PubSubClubEndpoint#MAX_LOCAL_TOPICS} of them, sorted,
	 * with their subscriber counts
	 * @param limits messages refused by each limit since start, by the name of its
	 * property under {@code pubsubclub.wamp.limits}
	 */
	public record WampDescriptor(int sessions, int topicCount, Map<String, Integer> topics, Map<String, Long> limits) {
	}

	/**
	 * Result of a reconnect.
	 *
	 * @param reconnecting the servers being dialled again, as {@code host:port}
	 * @param refused why nothing was done, when the request came too soon after another
	 */
	public record ReconnectDescriptor(List<String> reconnecting,
			@Nullable String refused) implements OperationResponseBody {
	}

}
