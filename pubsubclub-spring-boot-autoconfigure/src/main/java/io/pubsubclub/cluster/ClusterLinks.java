package io.pubsubclub.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampTopicEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;

import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.TaskScheduler;

/**
 * Every PSC link of this node and the two roles across them: as a producer it sends each
 * local publish, encoded once, to the consumer links that asked for its topic; as a
 * consumer it keeps every producer link told of the topics its local subscribers hold,
 * and hands the events it receives to them. Listens to the WAMP server's
 * {@link WampTopicEvent events}.
 *
 * @author PubSubClub
 */
public final class ClusterLinks implements ApplicationListener<WampTopicEvent> {

	private static final Log logger = LogFactory.getLog(ClusterLinks.class);

	private final long nodeId;

	private final NodeIdentity identity;

	private final Map<ClusterState.Role, ClusterState.Mode> roles;

	private final LocalSubscribers localSubscribers;

	private final TaskScheduler scheduler;

	private final Duration handshakeTimeout;

	private final ClusterCounters counters = new ClusterCounters();

	private final Set<PeerLink> links = ConcurrentHashMap.newKeySet();

	private final Map<String, Set<PeerLink>> consumersByTopic = new ConcurrentHashMap<>();

	private final Set<PeerLink> producers = ConcurrentHashMap.newKeySet();

	private final Set<DialledServer> dialled = ConcurrentHashMap.newKeySet();

	private final Object subscriptionLock = new Object();

	// a leaf lock: taken under a link's lock, calls nothing while held
	private final Object claimLock = new Object();

	// the link that holds each far node, per local role: one ready link per far node
	private final Map<String, PeerLink> claims = new HashMap<>();

	// dialled servers whose link was a duplicate of a claim, woken when it is released
	private final Map<String, Set<DialledServer>> parked = new HashMap<>();

	private volatile Supplier<@Nullable InetSocketAddress> serverAddress = () -> null;

	private volatile @Nullable ClusterTimings timings;

	/**
	 * Create the links of a node.
	 * @param nodeId this node's id
	 * @param roles the roles this node plays and their modes
	 * @param localSubscribers the local WAMP subscribers
	 * @param scheduler where handshake timeouts run
	 * @param handshakeTimeout longest time a handshake may take
	 */
	public ClusterLinks(long nodeId, Map<ClusterState.Role, ClusterState.Mode> roles,
			LocalSubscribers localSubscribers, TaskScheduler scheduler, Duration handshakeTimeout) {
		this.nodeId = nodeId;
		this.identity = new NodeIdentity(nodeId);
		this.roles = Collections.unmodifiableMap(new EnumMap<>(roles));
		this.localSubscribers = localSubscribers;
		this.scheduler = scheduler;
		this.handshakeTimeout = handshakeTimeout;
	}

	/**
	 * Return this node's id.
	 * @return the node id
	 */
	public long nodeId() {
		return this.nodeId;
	}

	/**
	 * Return who this process is on the cluster: its random token and node id.
	 * @return the identity
	 */
	public NodeIdentity identity() {
		return this.identity;
	}

	/**
	 * Return the port the cluster server is bound to.
	 * @return the port, or {@code null} when no role serves or it is not started
	 */
	public @Nullable Integer serverPort() {
		InetSocketAddress address = this.serverAddress.get();
		return (address != null) ? address.getPort() : null;
	}

	/**
	 * Return the roles this node plays and their modes.
	 * @return the roles
	 */
	public Map<ClusterState.Role, ClusterState.Mode> roles() {
		return this.roles;
	}

	/**
	 * Create the link of a connection accepted by the cluster server.
	 * @param address the far side's address
	 * @param role the role this node plays on it, {@code null} when the far side must
	 * tell
	 * @return the link
	 */
	public PeerLink accepted(String address, ClusterState.@Nullable Role role) {
		PeerLink link = new PeerLink(this, address, ClusterState.Direction.ACCEPTED, role, null);
		this.links.add(link);
		return link;
	}

	/**
	 * Create the link of a connection dialled to a server.
	 * @param server the server dialled
	 * @return the link
	 */
	public PeerLink dialled(DialledServer server) {
		PeerLink link = new PeerLink(this, server.server().toString(), ClusterState.Direction.DIALLED, server.role(),
				server);
		this.links.add(link);
		return link;
	}

	/**
	 * Track a dialled server for the {@link #state() state} while it has no open link.
	 * @param server the server
	 */
	public void register(DialledServer server) {
		this.dialled.add(server);
	}

	/**
	 * Stop tracking a dialled server.
	 * @param server the server
	 */
	public void unregister(DialledServer server) {
		this.dialled.remove(server);
		synchronized (this.claimLock) {
			this.parked.values().forEach((servers) -> servers.remove(server));
		}
	}

	/**
	 * Tell where the cluster server is bound, for the {@link #state() state}.
	 * @param serverAddress supplies the bound address, or {@code null}
	 */
	public void serverAddress(Supplier<@Nullable InetSocketAddress> serverAddress) {
		this.serverAddress = serverAddress;
	}

	/**
	 * Set who is told how long forwarding and delivering took, such as a metrics binder.
	 * @param timings the timings to report to, or {@code null} for none
	 */
	public void setTimings(@Nullable ClusterTimings timings) {
		this.timings = timings;
	}

	/**
	 * Count a dial attempt after the first to a server. Called by the client connector.
	 */
	public void reconnectAttempted() {
		this.counters.reconnectAttempts.increment();
	}

	@Override
	public void onApplicationEvent(WampTopicEvent event) {
		if (event instanceof WampPublishedEvent published) {
			if (publish(published.getTopic(), published.getEventJson())) {
				ClusterTimings timings = this.timings;
				if (timings != null) {
					timings.forwarded(System.nanoTime() - published.getPublishedNanos());
				}
			}
		}
		else if (event instanceof WampSubscribedEvent || event instanceof WampUnsubscribedEvent) {
			subscriptionChanged(event.getTopic());
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	/**
	 * Forward a local publish to every consumer link that asked for its topic.
	 * @param topic the topic
	 * @param eventJson the event payload
	 * @return whether some consumer link asked for the topic
	 */
	public boolean publish(String topic, String eventJson) {
		Set<PeerLink> consumers = this.consumersByTopic.get(topic);
		if (consumers == null || consumers.isEmpty()) {
			return false;
		}
		String frame = PscCodec.event(topic, eventJson);
		for (PeerLink consumer : consumers) {
			consumer.sendEvent(frame);
		}
		this.counters.publishesForwarded.increment();
		return true;
	}

	private void subscriptionChanged(String topic) {
		if (this.producers.isEmpty()) {
			return;
		}
		// the event only says the topic changed; the subscribers say how, whatever
		// order concurrent events arrive in
		synchronized (this.subscriptionLock) {
			boolean wanted = this.localSubscribers.hasSubscribers(topic);
			for (PeerLink producer : this.producers) {
				producer.syncTopic(topic, wanted);
			}
		}
	}

	void consumerReady(PeerLink link) {
		synchronized (this.subscriptionLock) {
			this.producers.add(link);
			link.syncTopics(this.localSubscribers.topics());
		}
		if (link.status() != ClusterState.Status.READY) {
			this.producers.remove(link);
		}
	}

	void deliver(PscMessage.Event event, long receivedNanos) {
		this.counters.eventsReceived.increment();
		this.localSubscribers.deliver(event.topic(), event.eventJson());
		ClusterTimings timings = this.timings;
		if (timings != null) {
			timings.delivered(System.nanoTime() - receivedNanos);
		}
	}

	void producerSubscribed(PeerLink link, String topic) {
		this.consumersByTopic.computeIfAbsent(topic, (key) -> ConcurrentHashMap.newKeySet()).add(link);
	}

	void producerUnsubscribed(PeerLink link, String topic) {
		this.consumersByTopic.computeIfPresent(topic, (key, consumers) -> {
			consumers.remove(link);
			return consumers.isEmpty() ? null : consumers;
		});
	}

	static @Nullable String claimKey(PeerLink link) {
		String far = link.farIdentity();
		ClusterState.Role role = link.role();
		return (far != null && role != null) ? role.name() + " " + far : null;
	}

	/**
	 * Take the far node of a link about to be ready for that link.
	 * @return the link that already holds it, in which case the server the link was
	 * dialled to is woken when that one goes; {@code null} when taken
	 */
	@Nullable PeerLink claim(String key, PeerLink link) {
		synchronized (this.claimLock) {
			PeerLink holder = this.claims.get(key);
			if (holder == null || holder == link) {
				this.claims.put(key, link);
				return null;
			}
			DialledServer server = link.dialledServer();
			if (server != null) {
				this.parked.computeIfAbsent(key, (k) -> new LinkedHashSet<>()).add(server);
			}
			return holder;
		}
	}

	private void release(PeerLink link) {
		String key = link.claimKey();
		if (key == null) {
			return;
		}
		List<DialledServer> woken;
		synchronized (this.claimLock) {
			if (!this.claims.remove(key, link)) {
				return;
			}
			Set<DialledServer> servers = this.parked.remove(key);
			woken = (servers != null) ? List.copyOf(servers) : List.of();
		}
		for (DialledServer server : woken) {
			// never on the closing thread, which may hold a dialler's lock
			try {
				this.scheduler.schedule(server::duplicateReleased, Instant.now());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not wake " + server.server() + " after its duplicate went away", ex);
			}
		}
	}

	void removed(PeerLink link) {
		release(link);
		this.links.remove(link);
		this.producers.remove(link);
		if (link.role() == ClusterState.Role.PRODUCER) {
			for (String topic : link.topics()) {
				producerUnsubscribed(link, topic);
			}
		}
	}

	@Nullable ScheduledFuture<?> scheduleHandshakeTimeout(PeerLink link) {
		try {
			return this.scheduler.schedule(link::handshakeTimedOut, Instant.now().plus(this.handshakeTimeout));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not schedule the handshake timeout of " + link, ex);
			return null;
		}
	}

	ClusterCounters counters() {
		return this.counters;
	}

	/**
	 * Return the links open at the moment.
	 * @return a snapshot of the links
	 */
	public List<PeerLink> links() {
		return List.copyOf(this.links);
	}

	/**
	 * Return the cluster-wide counters.
	 * @return the counters
	 */
	public ClusterState.Totals totals() {
		return this.counters.snapshot();
	}

	/**
	 * Take a snapshot of this node's cluster.
	 * @return the state
	 */
	public ClusterState state() {
		List<ClusterState.Link> snapshot = new ArrayList<>();
		List<ClusterState.NodeIdConflict> conflicts = new ArrayList<>();
		Map<DialledServer, PeerLink> open = new java.util.HashMap<>();
		for (PeerLink link : this.links) {
			Long farNodeId = link.farNodeId();
			if (link.isNodeIdConflict() && farNodeId != null && link.status() != ClusterState.Status.CLOSED) {
				NodeIdentity.FarNode far = link.farNode();
				conflicts.add(new ClusterState.NodeIdConflict(link.address(), link.direction(), farNodeId,
						(far != null) ? far.clusterPort() : null));
			}
			DialledServer server = link.dialledServer();
			if (server != null) {
				open.put(server, link);
			}
			else {
				snapshot.add(link.snapshot(0));
			}
		}
		for (DialledServer server : this.dialled) {
			PeerLink link = open.get(server);
			if (link != null) {
				snapshot.add(link.snapshot(server.attempts()));
			}
			else {
				snapshot.add(new ClusterState.Link(server.server().toString(), ClusterState.Direction.DIALLED,
						server.role().opposite(), server.status(), server.nextAttempt(), null, null, null, Set.of(),
						0, 0, 0, 0, 0, server.attempts(), server.lastError()));
			}
		}
		return new ClusterState(this.nodeId, this.roles, this.serverAddress.get(), List.copyOf(snapshot),
				this.counters.snapshot(), List.copyOf(conflicts));
	}

}
