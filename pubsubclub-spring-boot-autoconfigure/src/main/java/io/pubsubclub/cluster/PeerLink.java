package io.pubsubclub.cluster;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One PSC link and its state machine: handshake, subscription sync and forwarding.
 * Created by {@link ClusterLinks} for each WebSocket connection the transport opens or
 * accepts; the transport hands it the connection's events.
 * <p>
 * The role this node plays on an accepted link may be unknown when it opens (both roles
 * serve on one port): the far side's first frame decides it (a 101 means the far side is
 * a consumer), or {@link #actAsConsumer()} is called when the far side stays silent.
 * <p>
 * The link's lock guards its state and keeps its frames in order; with it held the link
 * only queues frames (which never blocks) and updates lock-free maps. What calls out,
 * closing the session or telling the dialled server the link is ready, is collected
 * under the lock and run once it is released.
 *
 * @author PubSubClub
 */
public final class PeerLink {

	/** Close code of a link that breaks the protocol. */
	public static final int PROTOCOL_ERROR = 1002;

	/** Close code of a link whose frame exceeded the size limit. */
	public static final int TOO_BIG = 1009;

	/** Close code of a link that leads back to this node; the dialling side drops it. */
	public static final int SELF_LINK = 4001;

	/**
	 * Close code of a dialled link that leads to a node this node already has a ready
	 * link with in the same role (one server reached under two addresses).
	 */
	public static final int DUPLICATE_LINK = 4003;

	private static final Log logger = LogFactory.getLog(PeerLink.class);

	private final ClusterLinks cluster;

	private final String address;

	private final ClusterState.Direction direction;

	private final @Nullable DialledServer dialled;

	private volatile ClusterState.@Nullable Role role;

	private volatile ClusterState.Status status = ClusterState.Status.CONNECTING;

	private @Nullable LinkChannel channel;

	private volatile @Nullable ProtocolVersion version;

	private volatile @Nullable Long farNodeId;

	private volatile @Nullable Instant connectedSince;

	private volatile @Nullable String lastError;

	private long openedNanos;

	private @Nullable ScheduledFuture<?> handshakeTimer;

	private boolean synced;

	private volatile boolean selfLink;

	// set when this side decided to close: frames still arriving are ignored
	private boolean closing;

	// what to run once the lock is released; guarded by this
	private @Nullable Runnable afterUnlock;

	private final Object deliveryLock = new Object();

	// a newer link from the same producer took over: deliver nothing more
	private volatile boolean superseded;

	private volatile NodeIdentity.@Nullable FarNode farNode;

	private volatile boolean nodeIdConflict;

	private volatile boolean duplicate;

	// the key this link holds in ClusterLinks' one-link-per-far-node map, once ready
	private volatile @Nullable String claimKey;

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private final AtomicLong messagesIn = new AtomicLong();

	private final AtomicLong bytesIn = new AtomicLong();

	private final AtomicLong messagesOut = new AtomicLong();

	private final AtomicLong bytesOut = new AtomicLong();

	private final AtomicLong drops = new AtomicLong();

	private final LinkResume resume = new LinkResume();

	PeerLink(ClusterLinks cluster, String address, ClusterState.Direction direction, ClusterState.@Nullable Role role,
			@Nullable DialledServer dialled) {
		this.cluster = cluster;
		this.address = address;
		this.direction = direction;
		this.role = role;
		this.dialled = dialled;
	}

	/**
	 * Tell who the far side is, as its {@value NodeIdentity#HEADER} upgrade header said.
	 * Called by the transport before {@link #opened(LinkChannel)}.
	 * @param far the far node, {@code null} when it sent no such header (a Python node)
	 */
	public void identified(NodeIdentity.@Nullable FarNode far) {
		this.farNode = far;
		if (far != null) {
			this.farNodeId = far.nodeId();
		}
	}

	/**
	 * Called once the WebSocket connection is open: a consumer sends 101.
	 * @param channel the connection
	 */
	public void opened(LinkChannel channel) {
		synchronized (this) {
			this.channel = channel;
			this.connectedSince = Instant.now();
			this.openedNanos = System.nanoTime();
			this.status = ClusterState.Status.HANDSHAKING;
			this.handshakeTimer = this.cluster.scheduleHandshakeTimeout(this);
			if (this.role == ClusterState.Role.CONSUMER) {
				send(PscCodec.hello(ProtocolVersion.SUPPORTED));
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Link " + this + " opened");
		}
	}

	/**
	 * Take the consumer role on a link whose far side has sent nothing yet, and send 101.
	 * No-op when the role is already known.
	 */
	public synchronized void actAsConsumer() {
		if (this.role == null && this.status == ClusterState.Status.HANDSHAKING) {
			this.role = ClusterState.Role.CONSUMER;
			send(PscCodec.hello(ProtocolVersion.SUPPORTED));
		}
	}

	/**
	 * Handle a text frame from the far side. A frame that breaks the protocol closes the
	 * link.
	 * @param frame the frame text
	 */
	public void received(String frame) {
		long receivedNanos = System.nanoTime();
		this.messagesIn.incrementAndGet();
		this.bytesIn.addAndGet(frame.length());
		PscMessage.Event event;
		Runnable after;
		synchronized (this) {
			if (this.closing
					|| (this.status != ClusterState.Status.HANDSHAKING && this.status != ClusterState.Status.READY)) {
				return;
			}
			try {
				PscMessage message = PscCodec.decode(frame);
				event = (message instanceof PscMessage.Event e && this.status == ClusterState.Status.READY
						&& this.role == ClusterState.Role.CONSUMER) ? e : null;
				if (event != null) {
					checkEvent(event);
					after = null;
				}
				else {
					after = handle(message);
				}
			}
			catch (PscProtocolException ex) {
				event = null;
				after = null;
				closeForProtocolError(ex.closeCode(), ex.getMessage());
			}
		}
		runAfterUnlock();
		if (event != null) {
			// not under the link's lock; under this one only so that a link that replaces
			// this one can wait out a delivery in progress (see supersede)
			synchronized (this.deliveryLock) {
				if (!this.superseded && this.status != ClusterState.Status.CLOSED) {
					this.cluster.deliver(event, this.resume.progress, receivedNanos);
				}
			}
		}
		else if (after != null) {
			after.run();
		}
	}

	private void checkEvent(PscMessage.Event event) {
		ProtocolVersion version = this.version;
		if (version != null && version.resumable()) {
			this.resume.received(event);
		}
		else if (event.seq() != 0 || event.sessions() != null) {
			throw new PscProtocolException("301 takes a topic and one event");
		}
	}

	/**
	 * Close the link because the far side broke the protocol outside a frame (a frame
	 * too big, a binary frame).
	 * @param code the close code
	 * @param reason the reason
	 */
	public void protocolError(int code, String reason) {
		synchronized (this) {
			closeForProtocolError(code, reason);
		}
		runAfterUnlock();
	}

	private void closeForProtocolError(int code, String reason) {
		if (this.closing) {
			return;
		}
		this.cluster.counters().badFrames.increment();
		this.lastError = reason;
		logger.warn("Closing link " + this + " (" + code + "): " + reason);
		closeAfterUnlock(code, reason);
	}

	// with the lock held
	private void closeAfterUnlock(int code, String reason) {
		this.closing = true;
		afterUnlock(() -> close(code, reason));
	}

	// with the lock held
	private void afterUnlock(Runnable action) {
		Runnable before = this.afterUnlock;
		this.afterUnlock = (before != null) ? () -> {
			before.run();
			action.run();
		} : action;
	}

	// with the lock released, by the thread that collected the actions
	private void runAfterUnlock() {
		Runnable actions;
		synchronized (this) {
			actions = this.afterUnlock;
			this.afterUnlock = null;
		}
		if (actions != null) {
			actions.run();
		}
	}

	/**
	 * Called when the far side could not keep up and its connection was cut off.
	 * @param reason why
	 */
	public void slowPeer(String reason) {
		this.cluster.counters().slowPeerDisconnects.increment();
		this.lastError = "slow peer: " + reason;
		logger.warn("Link " + this + " cut off as too slow (" + reason + ")");
	}

	/**
	 * Called when the WebSocket connection closed, whoever closed it.
	 * @param code the close code
	 * @param reason the close reason, if any
	 */
	public void closed(int code, @Nullable String reason) {
		synchronized (this) {
			if (this.status == ClusterState.Status.CLOSED) {
				return;
			}
			this.status = ClusterState.Status.CLOSED;
			if (this.handshakeTimer != null) {
				this.handshakeTimer.cancel(false);
			}
			if (this.resume.timer != null) {
				this.resume.timer.cancel(false);
			}
			ScheduledFuture<?> servingTimer = this.resume.servingTimer;
			if (servingTimer != null) {
				servingTimer.cancel(false);
			}
			ResumeOutbox outbox = this.resume.outbox;
			if (outbox != null) {
				outbox.close();
			}
			if (code == SELF_LINK) {
				this.selfLink = true;
			}
			if (this.lastError == null && code != 1000 && code != 1001) {
				this.lastError = "closed " + code + ((reason != null && !reason.isEmpty()) ? " " + reason : "");
			}
		}
		// wait out a delivery in progress on the reading thread: once this returns the
		// link delivers nothing, and a link dialled again to replace it cannot overtake it
		synchronized (this.deliveryLock) {
			this.superseded = true;
		}
		this.cluster.removed(this);
		if (logger.isDebugEnabled()) {
			logger.debug("Link " + this + " closed (" + code + " " + reason + ")");
		}
	}

	/**
	 * Record a transport error.
	 * @param error what went wrong
	 */
	public void transportError(String error) {
		// the first error is the cause; those after it are its echoes
		if (this.lastError == null) {
			this.lastError = error;
		}
	}

	/**
	 * Return whether the link turned out to lead back to this node.
	 * @return whether it is a self-link
	 */
	public boolean isSelfLink() {
		return this.selfLink;
	}

	/**
	 * Return whether the far node uses this node's id while being another process.
	 * @return whether the far node's id clashes with this node's
	 */
	public boolean isNodeIdConflict() {
		return this.nodeIdConflict;
	}

	/**
	 * Return whether the link was closed because this node already had a ready link with
	 * the same far node in the same role.
	 * @return whether it was a duplicate
	 */
	public boolean isDuplicate() {
		return this.duplicate;
	}

	/**
	 * Return the far node as its upgrade header told.
	 * @return the far node, {@code null} when it sent no header
	 */
	public NodeIdentity.@Nullable FarNode farNode() {
		return this.farNode;
	}

	/**
	 * Return the role this node plays on the link.
	 * @return the local role, {@code null} while undecided
	 */
	public ClusterState.@Nullable Role role() {
		return this.role;
	}

	/**
	 * Return the state of the link.
	 * @return the status
	 */
	public ClusterState.Status status() {
		return this.status;
	}

	/**
	 * Return the far producer's node id.
	 * @return the id, when known
	 */
	public @Nullable Long farNodeId() {
		return this.farNodeId;
	}

	/**
	 * Return the last error on the link: why it was closed, when it was closed for a
	 * reason.
	 * @return the last error, if any
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	String address() {
		return this.address;
	}

	@Nullable DialledServer dialledServer() {
		return this.dialled;
	}

	Set<String> topics() {
		return this.topics;
	}

	/**
	 * Return the producer side's outbox on a 1.2 link.
	 * @return the outbox, {@code null} on other links
	 */
	@Nullable ResumeOutbox outbox() {
		return this.resume.outbox;
	}

	/**
	 * Return the far producer's epoch, on a 1.2 consumer link.
	 * @return the epoch, if known
	 */
	synchronized @Nullable String epoch() {
		return this.resume.epoch;
	}

	/**
	 * Return the negotiated version.
	 * @return the version, {@code null} before the handshake
	 */
	@Nullable ProtocolVersion version() {
		return this.version;
	}

	void progress(ResumeState.Progress progress) {
		this.resume.progress = progress;
	}

	ResumeState.@Nullable Progress progress() {
		return this.resume.progress;
	}

	ClusterState.Direction direction() {
		return this.direction;
	}

	@Nullable String claimKey() {
		return this.claimKey;
	}

	// who the far node is, for telling two links to one node apart: its token when it
	// sent one, else the node id a far producer sent in 102
	@Nullable String farIdentity() {
		NodeIdentity.FarNode far = this.farNode;
		if (far != null) {
			return "token " + far.token();
		}
		Long id = this.farNodeId;
		return (id != null) ? "node " + id : null;
	}

	// returns what to do outside the link's lock, if anything
	private @Nullable Runnable handle(PscMessage message) {
		if (this.role == null) {
			if (!(message instanceof PscMessage.Hello)) {
				throw new PscProtocolException("expected 101 before anything else");
			}
			this.role = ClusterState.Role.PRODUCER;
		}
		if (this.role == ClusterState.Role.PRODUCER) {
			return handleAsProducer(message);
		}
		return handleAsConsumer(message);
	}

	private @Nullable Runnable handleAsProducer(PscMessage message) {
		if (this.status == ClusterState.Status.HANDSHAKING) {
			if (!(message instanceof PscMessage.Hello hello)) {
				throw new PscProtocolException("expected 101 before anything else");
			}
			if (!admit()) {
				return null;
			}
			ProtocolVersion chosen = null;
			for (ProtocolVersion offered : hello.versions()) {
				if (ProtocolVersion.SUPPORTED.contains(offered) && (chosen == null || offered.compareTo(chosen) > 0)) {
					chosen = offered;
				}
			}
			if (chosen == null) {
				throw new PscProtocolException("no common protocol version: offered " + hello.versions()
						+ ", supported " + ProtocolVersion.SUPPORTED);
			}
			if (chosen.resumable()) {
				send(PscResumeCodec.welcome(this.cluster.nodeId(), this.cluster.epoch()));
				this.resume.resumeAllowed = true;
			}
			else {
				send(PscCodec.welcome(chosen, this.cluster.nodeId()));
			}
			ready(chosen);
			return null;
		}
		boolean resumeAllowed = this.resume.resumeAllowed;
		this.resume.resumeAllowed = false;
		if (message instanceof PscMessage.Resume resume) {
			ProtocolVersion version = this.version;
			if (version == null || !version.resumable()) {
				throw new PscProtocolException("203 on a version " + version + " link");
			}
			if (!resumeAllowed) {
				throw new PscProtocolException("203 out of place: only right after the 102");
			}
			this.topics.addAll(resume.topics());
			return () -> this.cluster.producerResumed(this, resume);
		}
		if (message instanceof PscMessage.Subscribe subscribe) {
			for (String topic : subscribe.topics()) {
				if (this.topics.add(topic)) {
					this.cluster.producerSubscribed(this, topic);
				}
			}
		}
		else if (message instanceof PscMessage.Unsubscribe unsubscribe) {
			for (String topic : unsubscribe.topics()) {
				if (this.topics.remove(topic)) {
					this.cluster.producerUnsubscribed(this, topic);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Link " + this + " unsubscribed from " + topic + ", which it did not hold");
				}
			}
		}
		else if (message instanceof PscMessage.Hello) {
			throw new PscProtocolException("101 after the handshake");
		}
		else {
			throw new PscProtocolException(type(message) + " sent to a producer");
		}
		return null;
	}

	/**
	 * Start serving a 203 on the producer side: its replay must end within the replay
	 * timeout.
	 */
	void serving(PscMessage.Resume resume) {
		this.resume.serving = resume;
		this.resume.servingTimer = this.cluster.scheduleReplayTimeout(this::servingTimedOut);
	}

	/**
	 * The replay of the 203 being served went out: record how it ended.
	 */
	void replayEnded(long replayed, boolean complete, long firstSeqStillHeld) {
		PscMessage.Resume resume = this.resume.serving;
		ScheduledFuture<?> timer = this.resume.servingTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		if (resume == null) {
			return;
		}
		this.resume.answered(resume, replayed, complete, firstSeqStillHeld);
		if (logger.isInfoEnabled()) {
			logger.info("Link " + this + " resumed from " + resume.lastSeq() + " on " + resume.topics().size()
					+ " topics: replayed " + replayed + " events"
					+ (complete ? "" : (firstSeqStillHeld == 0) ? ", with a gap of unknown size"
							: ", with a gap before " + firstSeqStillHeld));
		}
	}

	// on the producer side: a consumer that does not take its replay is cut off
	private void servingTimedOut() {
		ResumeOutbox outbox = this.resume.outbox;
		if (outbox != null && outbox.replaying() && this.status == ClusterState.Status.READY) {
			slowPeer("replay not taken within " + this.cluster.resumeSettings().timeout());
			close(1013, "slow consumer: replay not read in time");
		}
	}

	private @Nullable Runnable handleAsConsumer(PscMessage message) {
		if (this.status == ClusterState.Status.HANDSHAKING) {
			if (!(message instanceof PscMessage.Welcome welcome)) {
				throw new PscProtocolException("expected 102 before anything else");
			}
			if (!ProtocolVersion.SUPPORTED.contains(welcome.version())) {
				throw new PscProtocolException("102 chose " + welcome.version() + ", which was not offered");
			}
			if (welcome.version().resumable() && (welcome.nodeId() == null || welcome.epoch() == null)) {
				throw new PscProtocolException("102 of version 1.2 takes a node id and an epoch");
			}
			if (welcome.nodeId() != null) {
				this.farNodeId = welcome.nodeId();
			}
			if (!admit()) {
				return null;
			}
			this.resume.epoch = welcome.epoch();
			ready(welcome.version());
			return () -> this.cluster.consumerReady(this);
		}
		if (message instanceof PscMessage.Welcome) {
			throw new PscProtocolException("102 after the handshake");
		}
		if (message instanceof PscMessage.Resumed resumed) {
			ClusterState.Resume outcome = this.resume.resumed(resumed);
			return () -> this.cluster.resumeEnded(this, outcome);
		}
		throw new PscProtocolException(type(message) + " sent to a consumer");
	}

	/**
	 * Decide, on the far side's first handshake frame, whether the link may become ready:
	 * not when it leads back to this process (the far token is ours), nor when it is a
	 * dialled link to a node already linked in the same role. A far node that uses this
	 * node's id under another token (or sends no token: a Python node can never be this
	 * process, whose server always answers with its token) is another node: the link
	 * goes on, and the clash is reported.
	 * @return whether the link goes on
	 */
	private boolean admit() {
		NodeIdentity identity = this.cluster.identity();
		if (identity.isSelf(this.farNode)) {
			this.selfLink = true;
			this.cluster.counters().selfLinks.increment();
			this.lastError = "self-link";
			logger.info("Link " + this + " leads back to this node; closing it"
					+ ((this.direction == ClusterState.Direction.DIALLED) ? " for good" : ""));
			closeAfterUnlock(SELF_LINK, "self-link");
			return false;
		}
		Long farId = this.farNodeId;
		if (farId != null && farId == identity.nodeId()) {
			this.nodeIdConflict = true;
			logger.warn("Node at " + this.address + " (" + this.direction.name().toLowerCase()
					+ ") uses this node's id " + farId + " but is another node: give every node its own "
					+ "pubsubclub.node-id (or leave it unset for a random one); linking it anyway");
		}
		if (this.direction == ClusterState.Direction.DIALLED) {
			String key = ClusterLinks.claimKey(this);
			if (key != null) {
				PeerLink holder = this.cluster.claim(key, this);
				if (holder != null) {
					this.duplicate = true;
					this.lastError = "duplicate of " + holder.address() + " (same node" + describeFar() + ")";
					logger.warn("Link " + this + " leads to the node already linked as " + holder.address()
							+ describeFar() + "; closing this duplicate link, so that no event arrives twice "
							+ "(dialled again if that link goes away)");
					closeAfterUnlock(DUPLICATE_LINK, "duplicate link");
					return false;
				}
				this.claimKey = key;
			}
		}
		return true;
	}

	private String describeFar() {
		Long id = this.farNodeId;
		return (id != null) ? ", node id " + id : "";
	}

	private void ready(ProtocolVersion version) {
		this.version = version;
		LinkChannel channel = this.channel;
		if (this.role == ClusterState.Role.PRODUCER && version.resumable() && channel != null) {
			this.resume.outbox = new ResumeOutbox(this, channel, this.cluster.sequencer());
		}
		this.status = ClusterState.Status.READY;
		if (this.handshakeTimer != null) {
			this.handshakeTimer.cancel(false);
		}
		this.cluster.counters().handshakes.increment();
		this.cluster.counters().handshakeNanos.add(System.nanoTime() - this.openedNanos);
		DialledServer dialled = this.dialled;
		if (dialled != null) {
			// the dialer locks itself: told once this link's lock is released
			afterUnlock(dialled::linkReady);
		}
		if (logger.isInfoEnabled()) {
			logger.info("Link " + this + " ready, version " + version);
		}
	}

	/**
	 * Stop delivering, and close: a newer link from the same producer node is ready. The
	 * producer closed this one already, but frames it wrote before may still be read
	 * here while the new link delivers, out of order with its events. Waits for a
	 * delivery in progress on this link to end. Called with no lock held.
	 */
	void supersede(PeerLink newer) {
		synchronized (this.deliveryLock) {
			this.superseded = true;
		}
		synchronized (this) {
			if (this.closing || this.status == ClusterState.Status.CLOSED) {
				return;
			}
			logger.info("Link " + this + " replaced by " + newer.address() + " from the same node; closing it");
			closeAfterUnlock(1000, "replaced by a newer link from the same node");
		}
		runAfterUnlock();
	}

	void handshakeTimedOut() {
		synchronized (this) {
			if (this.status == ClusterState.Status.HANDSHAKING && !this.closing) {
				this.cluster.counters().badFrames.increment();
				this.lastError = "handshake timeout";
				logger.warn("Closing link " + this + ": no handshake in time");
				closeAfterUnlock(PROTOCOL_ERROR, "handshake timeout");
			}
		}
		runAfterUnlock();
	}

	/**
	 * Send every subscribed topic, one per 201, to a consumer link that just became
	 * ready. Called with the cluster's subscription lock held, so that no subscription
	 * change slips between the snapshot and the sends.
	 */
	synchronized void syncTopics(Set<String> subscribed, PscMessage.@Nullable Resume resume) {
		if (this.status != ClusterState.Status.READY || this.synced) {
			return;
		}
		this.synced = true;
		if (resume != null) {
			// right after the 102, before any 201: the topics held across the drop
			send(PscResumeCodec.resume(resume.epoch(), resume.lastSeq(), resume.topics()));
			this.topics.addAll(resume.topics());
			this.resume.pending = resume;
			this.resume.replayed = 0;
			this.resume.timer = this.cluster.scheduleReplayTimeout(this::replayTimedOut);
		}
		for (String topic : subscribed) {
			if (this.topics.add(topic)) {
				send(PscCodec.subscribe(topic));
			}
		}
	}

	/**
	 * Bring one topic on a consumer link in line with the local subscribers. Called with
	 * the cluster's subscription lock held.
	 */
	synchronized void syncTopic(String topic, boolean wanted) {
		if (!this.synced || this.status != ClusterState.Status.READY) {
			return;
		}
		if (wanted) {
			if (this.topics.add(topic)) {
				send(PscCodec.subscribe(topic));
			}
		}
		else if (this.topics.remove(topic)) {
			send(PscCodec.unsubscribe(topic));
		}
	}

	void replayTimedOut() {
		synchronized (this) {
			if (this.resume.pending != null && this.status == ClusterState.Status.READY) {
				closeForProtocolError(PROTOCOL_ERROR, "replay did not end in time (no 204)");
			}
		}
		runAfterUnlock();
	}

	/**
	 * Queue a 301 built once for every consumer link.
	 */
	void sendEvent(String frame) {
		if (this.status == ClusterState.Status.READY && send(frame)) {
			this.cluster.counters().eventsForwarded.increment();
		}
	}

	void sendReplayed(String frame) {
		if (this.status == ClusterState.Status.READY && send(frame)) {
			this.cluster.counters().eventsReplayed.increment();
		}
	}

	void sendControl(String frame) {
		if (this.status == ClusterState.Status.READY) {
			send(frame);
		}
	}

	void later(Runnable task, long millis) {
		this.cluster.later(task, millis);
	}

	private boolean send(String frame) {
		LinkChannel channel = this.channel;
		if (channel != null && channel.send(frame)) {
			this.messagesOut.incrementAndGet();
			this.bytesOut.addAndGet(frame.length());
			return true;
		}
		this.drops.incrementAndGet();
		this.cluster.counters().framesDropped.increment();
		return false;
	}

	/**
	 * Close the link from this side.
	 * @param code the close code
	 * @param reason the close reason
	 */
	public void close(int code, String reason) {
		LinkChannel channel = this.channel;
		if (channel != null) {
			channel.close(code, reason);
		}
	}

	ClusterState.Link snapshot(long reconnectAttempts) {
		ProtocolVersion version = this.version;
		ClusterState.Role role = this.role;
		return new ClusterState.Link(this.address, this.direction, (role != null) ? role.opposite() : null, this.status,
				null, (version != null) ? version.toString() : null, this.farNodeId, this.connectedSince,
				Set.copyOf(this.topics), this.messagesIn.get(), this.messagesOut.get(), this.bytesIn.get(),
				this.bytesOut.get(), this.drops.get(), reconnectAttempts, this.lastError, this.resume.last);
	}

	private static String type(PscMessage message) {
		if (message instanceof PscMessage.Hello) {
			return "101";
		}
		if (message instanceof PscMessage.Welcome) {
			return "102";
		}
		if (message instanceof PscMessage.Subscribe) {
			return "201";
		}
		if (message instanceof PscMessage.Unsubscribe) {
			return "202";
		}
		if (message instanceof PscMessage.Resume) {
			return "203";
		}
		if (message instanceof PscMessage.Resumed) {
			return "204";
		}
		return "301";
	}

	@Override
	public String toString() {
		Long id = this.farNodeId;
		ClusterState.Role role = this.role;
		return this.address + " [" + this.direction.name().toLowerCase() + ", far "
				+ ((role != null) ? role.opposite().name().toLowerCase() : "role unknown")
				+ ((id != null) ? ", node " + id : "") + "]";
	}

}
