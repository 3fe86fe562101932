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

	private final LocalSubscribers localSubscribers;

	private final TaskScheduler scheduler;

	private final Duration handshakeTimeout;

	private final ClusterCounters counters = new ClusterCounters();

	private final Set<PeerLink> links = ConcurrentHashMap.newKeySet();

	private final ConcurrentMap<String, Set<PeerLink>> consumersByTopic;

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

	private volatile ResumeSettings resumeSettings = ResumeSettings.DEFAULTS;

	private volatile Sequencer sequencer = new Sequencer(ResumeSettings.DEFAULTS);

	private volatile ResumeState resumeState = newResumeState(ResumeSettings.DEFAULTS);

	private final GapReporter gaps = new GapReporter(this, this.counters);

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
		this.consumersByTopic = consumersByTopic;
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
	 * Set how links resume after a drop (PSC 1.2). Called before any link opens.
	 * @param settings the resume settings
	 */
	public void setResumeSettings(ResumeSettings settings) {
		this.resumeSettings = settings;
		this.sequencer = new Sequencer(settings);
		this.resumeState = newResumeState(settings);
	}

	private static ResumeState newResumeState(ResumeSettings settings) {
		// long enough to hear of a restart after a slow redeploy, short enough that peers
		// gone for good are not remembered for ever
		Duration forget = settings.maxAge().multipliedBy(10);
		return new ResumeState(settings.enabled(), forget.compareTo(Duration.ofMinutes(10)) > 0 ? forget
				: Duration.ofMinutes(10));
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
		Set<PeerLink> consumers = this.consumersByTopic.get(topic);
		boolean asked = consumers != null && !consumers.isEmpty();
		Sequencer sequencer = this.sequencer;
		if (!asked && !sequencer.retains(topic)) {
			return false;
		}
		String listsJson = remoteSessions(exclude, eligible, false);
		String sessionsJson = v2 ? remoteSessions(exclude, eligible, true) : listsJson;
		boolean resumable = !asked;
		if (consumers != null) {
			String legacyFrame = null;
			for (PeerLink consumer : consumers) {
				if (consumer.outbox() != null) {
					resumable = true;
				}
				else if (listsJson != null) {
					this.counters.withheld.increment();
				}
				else {
					if (legacyFrame == null) {
						legacyFrame = PscCodec.event(topic, eventJson);
					}
					consumer.sendEvent(legacyFrame);
				}
			}
		}
		if (!resumable) {
			// a 1.2 link that held the topic may be back soon
			resumable = sequencer.retains(topic);
		}
		if (resumable) {
			sequencer.sequence(topic, eventJson, sessionsJson, consumers);
			if (consumers != null) {
				for (PeerLink consumer : consumers) {
					ResumeOutbox outbox = consumer.outbox();
					if (outbox != null) {
						outbox.drain();
					}
				}
			}
		}
		if (asked) {
			this.counters.publishesForwarded.increment();
		}
		return asked;
	}

	// the sessions that matter on other nodes: the lists without this node's own sessions,
	// to which they were applied already; null when the publish names no other session
	private @Nullable String remoteSessions(@Nullable Set<String> exclude, @Nullable Set<String> eligible,
			boolean v2) {
		List<String> remoteExclude = null;
		if (exclude != null) {
			for (String id : exclude) {
				if (!this.localSubscribers.hasSession(id)) {
					if (remoteExclude == null) {
						remoteExclude = new ArrayList<>(exclude.size());
					}
					remoteExclude.add(id);
				}
			}
		}
		List<String> remoteEligible = null;
		if (eligible != null) {
			remoteEligible = new ArrayList<>(eligible.size());
			for (String id : eligible) {
				if (!this.localSubscribers.hasSession(id)) {
					remoteEligible.add(id);
				}
			}
		}
		if (remoteExclude == null && remoteEligible == null && !v2) {
			return null;
		}
		return PscResumeCodec.sessions(remoteExclude, remoteEligible, v2);
	}

	private void subscriptionChanged(String topic) {
		if (!this.localSubscribers.hasSubscribers(topic)) {
			// not held continuously any more: a resume must not claim it
			this.resumeState.unsubscribed(topic);
		}
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
		ResumeState.Start start = null;
		Long producerId = link.farNodeId();
		supersedeOlderLinks(link);
		synchronized (this.subscriptionLock) {
			this.producers.add(link);
			Set<String> local = this.localSubscribers.topics();
			String epoch = link.epoch();
			if (epoch != null && producerId != null) {
				start = this.resumeState.linked(producerId, epoch, local);
				link.progress(start.progress());
			}
			link.syncTopics(local, (start != null) ? start.resume() : null);
		}
		if (link.status() != ClusterState.Status.READY) {
			this.producers.remove(link);
		}
		if (start != null && producerId != null && !start.lostTopics().isEmpty()) {
			this.gaps.restarted(link, producerId, start.lostTopics());
		}
		peerSeen(producerId, null, null);
	}

	void resumeEnded(PeerLink link, ClusterState.Resume outcome) {
		Long producerId = link.farNodeId();
		this.gaps.resumed(link, (producerId != null) ? producerId : -1, outcome);
	}

	void producerResumed(PeerLink link, PscMessage.Resume resume) {
		ResumeOutbox outbox = link.outbox();
		if (outbox == null) {
			return;
		}
		ReplayBuffer.Replay replay = this.sequencer.resume(outbox, resume, () -> {
			for (String topic : resume.topics()) {
				producerSubscribed(link, topic);
			}
		});
		this.counters.replaysServed.increment();
		link.answered(replay, resume);
		if (logger.isInfoEnabled()) {
			logger.info("Link " + link + " resumes from " + resume.lastSeq() + " on " + resume.topics().size()
					+ " topics: replaying " + replay.events().size() + " events"
					+ (replay.complete() ? "" : (replay.firstSeqStillHeld() == 0) ? ", for another epoch (gap)"
							: ", with a gap before " + replay.firstSeqStillHeld()));
		}
		outbox.drain();
	}

	String epoch() {
		return this.sequencer.epoch();
	}

	// on the new link's reading thread, before it reads another frame: an older accepted
	// link from the same producer node, closed by the producer, may still be read while
	// the new one delivers; it delivers no more once this returns
	private void supersedeOlderLinks(PeerLink link) {
		String far = link.farIdentity();
		if (far == null || link.direction() != ClusterState.Direction.ACCEPTED) {
			// a dialled link replaces one that closed already, and waited out its deliveries
			return;
		}
		for (PeerLink other : this.links) {
			if (other != link && other.direction() == ClusterState.Direction.ACCEPTED
					&& other.role() == ClusterState.Role.CONSUMER && far.equals(other.farIdentity())) {
				other.supersede(link);
			}
		}
	}

	void deliver(PscMessage.Event event, ResumeState.@Nullable Progress progress, long receivedNanos) {
		this.counters.eventsReceived.increment();
		if (progress != null && event.seq() > 0 && !progress.advance(event.seq())) {
			this.counters.duplicates.increment();
			return;
		}
		PscMessage.Sessions sessions = event.sessions();
		if (sessions != null) {
			this.localSubscribers.deliver(event.topic(), event.eventJson(), sessions.exclude(), sessions.eligible(),
					sessions.v2());
		}
		else {
			this.localSubscribers.deliver(event.topic(), event.eventJson());
		}
		ClusterTimings timings = this.timings;
		if (timings != null) {
			timings.delivered(System.nanoTime() - receivedNanos);
		}
	}

	void producerSubscribed(PeerLink link, String topic) {
		// the add inside the map's atomic step: a set emptied and dropped by another link's
		// 202 at the same moment must not take this link with it
		this.consumersByTopic.compute(topic, (key, consumers) -> {
			Set<PeerLink> set = (consumers != null) ? consumers : ConcurrentHashMap.newKeySet();
			set.add(link);
			return set;
		});
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
			if (link.outbox() != null) {
				// retained before the link lets go of them, so that no publish slips
				// between: what it misses is kept for its return
				this.sequencer.retain(Set.copyOf(link.topics()));
			}
			for (String topic : link.topics()) {
				producerUnsubscribed(link, topic);
			}
		}
		else {
			ResumeState.Progress progress = link.progress();
			if (progress != null) {
				progress.dropped(Set.copyOf(link.topics()));
			}
		}
	}

	@Nullable ScheduledFuture<?> scheduleReplayTimeout(PeerLink link) {
		try {
			return this.scheduler.schedule(link::replayTimedOut,
					Instant.now().plus(this.resumeSettings.timeout()));
		}
		catch (RuntimeException ex) {
			logger.debug("Could not schedule the replay timeout of " + link, ex);
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
		List<Long> buffer = this.sequencer.stats();
		return this.counters.snapshot(buffer.get(0), buffer.get(1));
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
		return new ClusterState(this.nodeId, this.roles, this.serverAddress.get(), List.copyOf(snapshot), totals(),
				List.copyOf(conflicts));
	}

}
