package io.pubsubclub.cluster;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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

import org.springframework.context.ApplicationEventPublisher;
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

	private final TaskScheduler scheduler;

	private final Duration handshakeTimeout;

	private final ClusterCounters counters = new ClusterCounters();

	private final Set<PeerLink> links = ConcurrentHashMap.newKeySet();

	private final Set<DialledServer> dialled = ConcurrentHashMap.newKeySet();

	private final LinkClaims claims;

	private final Forwarding forwarding;

	private final GapReporter gaps = new GapReporter(this, this.counters);

	private final Subscriptions subscriptions;

	private volatile Supplier<@Nullable InetSocketAddress> serverAddress = () -> null;

	private volatile @Nullable ClusterTimings timings;

	private volatile ResumeSettings resumeSettings = ResumeSettings.DEFAULTS;

	private volatile PeerSightings sightings = PeerSightings.NONE;

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
		this(nodeId, roles, localSubscribers, scheduler, handshakeTimeout, new ConcurrentHashMap<>());
	}

	// the map is given by tests that force an interleaving of its updates
	ClusterLinks(long nodeId, Map<ClusterState.Role, ClusterState.Mode> roles, LocalSubscribers localSubscribers,
			TaskScheduler scheduler, Duration handshakeTimeout, ConcurrentMap<String, Set<PeerLink>> consumersByTopic) {
		this.nodeId = nodeId;
		this.identity = new NodeIdentity(nodeId);
		this.roles = Collections.unmodifiableMap(new EnumMap<>(roles));
		this.scheduler = scheduler;
		this.handshakeTimeout = handshakeTimeout;
		this.claims = new LinkClaims(scheduler);
		this.forwarding = new Forwarding(consumersByTopic, localSubscribers, this.counters);
		this.subscriptions = new Subscriptions(localSubscribers, this.counters, this.gaps);
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
		this.claims.unregister(server);
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
		this.subscriptions.setTimings(timings);
	}

	/**
	 * Set how links resume after a drop (PSC 1.2). Called before any link opens.
	 * @param settings the resume settings
	 */
	public void setResumeSettings(ResumeSettings settings) {
		this.resumeSettings = settings;
		this.forwarding.setResumeSettings(settings);
		this.subscriptions.setResumeSettings(settings);
	}

	// for tests: a consumer's horizon shorter than ten minutes
	void resumeHorizon(Duration horizon) {
		this.subscriptions.setHorizon(this.resumeSettings.enabled(), horizon);
	}

	/**
	 * Set where {@link ClusterGapEvent}s are published.
	 * @param publisher the publisher, {@code null} for none
	 */
	public void setEventPublisher(@Nullable ApplicationEventPublisher publisher) {
		this.gaps.setPublisher(publisher);
	}

	/**
	 * Set who is told that a peer was heard from, so that a dialler waiting out its
	 * back-off toward it dials at once.
	 * @param sightings the listener
	 */
	public void setPeerSightings(PeerSightings sightings) {
		this.sightings = sightings;
	}

	/**
	 * Tell that a peer was heard from: its link dialled in, or a handshake named it.
	 * @param nodeId the peer's node id, if known
	 * @param host the peer's address, if known
	 * @param clusterPort the cluster port the peer serves, if known
	 */
	public void peerSeen(@Nullable Long nodeId, java.net.@Nullable InetAddress host, @Nullable Integer clusterPort) {
		try {
			this.sightings.seen(nodeId, host, clusterPort);
		}
		catch (RuntimeException ex) {
			logger.debug("Peer sighting failed", ex);
		}
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
			if (publish(published.getTopic(), published.getEventJson(), published.getExclude(),
					published.getEligible(), published.isV2())) {
				ClusterTimings timings = this.timings;
				if (timings != null) {
					timings.forwarded(System.nanoTime() - published.getPublishedNanos());
				}
			}
		}
		else if (event instanceof WampSubscribedEvent || event instanceof WampUnsubscribedEvent) {
			this.subscriptions.changed(event.getTopic());
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
		return publish(topic, eventJson, null, null);
	}

	/**
	 * Forward a local publish to every consumer link that asked for its topic, with the
	 * WAMP sessions it names: over PSC 1.2 as the 301's fifth element; a 1.0/1.1 link,
	 * which cannot honour them, does not get such a publish at all.
	 * @param topic the topic
	 * @param eventJson the event payload
	 * @param exclude the WAMP sessions that must not receive it, {@code null} for none
	 * @param eligible the only WAMP sessions that may receive it, {@code null} for all
	 * @return whether some consumer link asked for the topic
	 */
	public boolean publish(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		return publish(topic, eventJson, exclude, eligible, false);
	}

	/**
	 * Forward a local publish as {@link #publish(String, String, Set, Set)} does, saying
	 * whether the event is the wrapper of a WAMP v2 payload: over PSC 1.2 the options
	 * element then carries {@code "v2": true}; a 1.0/1.1 link gets the event as it is
	 * (the wrapper, as a v1 client would), when it names no sessions.
	 * @param topic the topic
	 * @param eventJson the event payload
	 * @param exclude the WAMP sessions that must not receive it, {@code null} for none
	 * @param eligible the only WAMP sessions that may receive it, {@code null} for all
	 * @param v2 whether the event is the wrapper of a v2 payload
	 * @return whether some consumer link asked for the topic
	 */
	public boolean publish(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible, boolean v2) {
		return this.forwarding.publish(topic, eventJson, exclude, eligible, v2);
	}

	void consumerReady(PeerLink link) {
		supersedeOlderLinks(link);
		this.subscriptions.ready(link);
		peerSeen(link.farNodeId(), null, null);
	}

	void resumeEnded(PeerLink link, ClusterState.Resume outcome) {
		this.subscriptions.resumeEnded(link, outcome);
	}

	void producerResumed(PeerLink link, PscMessage.Resume resume) {
		this.forwarding.resumed(link, resume);
	}

	Sequencer sequencer() {
		return this.forwarding.sequencer();
	}

	ResumeSettings resumeSettings() {
		return this.resumeSettings;
	}

	String epoch() {
		return this.forwarding.sequencer().epoch();
	}

	// on the new link's reading thread, before it reads another frame: an older accepted
	// link from the same producer node, closed by the producer, may still be read while
	// the new one delivers; it delivers no more once this returns
	private void supersedeOlderLinks(PeerLink link) {
		String far = link.far.identity();
		if (far == null || link.direction != ClusterState.Direction.ACCEPTED) {
			// a dialled link replaces one that closed already, and waited out its deliveries
			return;
		}
		for (PeerLink other : this.links) {
			if (other != link && other.direction == ClusterState.Direction.ACCEPTED
					&& other.role() == ClusterState.Role.CONSUMER && far.equals(other.far.identity())) {
				other.supersede(link);
			}
		}
	}

	void deliver(PscMessage.Event event, ResumeState.@Nullable Progress progress, long receivedNanos) {
		this.subscriptions.deliver(event, progress, receivedNanos);
	}

	void producerSubscribed(PeerLink link, String topic) {
		this.forwarding.subscribed(link, topic);
	}

	void producerUnsubscribed(PeerLink link, String topic) {
		this.forwarding.unsubscribed(link, topic);
	}

	static @Nullable String claimKey(PeerLink link) {
		return LinkClaims.key(link);
	}

	/**
	 * Take the far node of a link about to be ready for that link.
	 * @return the link that already holds it; {@code null} when taken
	 */
	@Nullable PeerLink claim(String key, PeerLink link) {
		return this.claims.claim(key, link);
	}

	void removed(PeerLink link) {
		this.claims.release(link);
		this.links.remove(link);
		if (link.role() == ClusterState.Role.PRODUCER) {
			this.forwarding.removed(link);
		}
		else {
			this.subscriptions.removed(link);
		}
	}

	@Nullable ScheduledFuture<?> scheduleReplayTimeout(Runnable timeout) {
		try {
			return this.scheduler.schedule(timeout, Instant.now().plus(this.resumeSettings.timeout()));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not schedule a replay timeout", ex);
			return null;
		}
	}

	void later(Runnable task, long millis) {
		try {
			this.scheduler.schedule(task, Instant.now().plusMillis(millis));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not schedule a task", ex);
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
		List<Long> buffer = this.forwarding.sequencer().stats();
		return this.counters.snapshot(buffer.get(0), buffer.get(1));
	}

	/**
	 * Take a snapshot of this node's cluster.
	 * @return the state
	 */
	public ClusterState state() {
		List<ClusterState.Link> snapshot = new ArrayList<>();
		List<ClusterState.NodeIdConflict> conflicts = new ArrayList<>();
		Map<DialledServer, PeerLink> open = new HashMap<>();
		for (PeerLink link : this.links) {
			Long farNodeId = link.farNodeId();
			if (link.isNodeIdConflict() && farNodeId != null && link.status() != ClusterState.Status.CLOSED) {
				NodeIdentity.FarNode far = link.farNode();
				conflicts.add(new ClusterState.NodeIdConflict(link.address, link.direction, farNodeId,
						(far != null) ? far.clusterPort() : null));
			}
			DialledServer server = link.dialled;
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
		return new ClusterState(this.nodeId, this.roles, this.serverAddress.get(), List.copyOf(snapshot), totals(),
				List.copyOf(conflicts));
	}

}
