package io.pubsubclub.cluster;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

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
 * only queues frames ({@link LinkSender}, which never blocks) and updates lock-free
 * maps. What calls out, closing the session or telling the dialled server the link is
 * ready, is collected under the lock and run once it is released ({@link AfterUnlock}).
 * <p>
 * This class is the link's state machine (opened, handshaking, ready, closed) and the
 * API the transport calls. {@link LinkFrames} tells where a frame goes: to
 * {@link LinkHandshake} (101/102, self-links and duplicates), {@link LinkTopics} (201,
 * 202 and 203 on either side) or {@link LinkResume} (PSC 1.2 on either side, the
 * producer's {@link ResumeOutbox}). {@link LinkDelivery} hands events to the local
 * subscribers, with its own lock; {@link LinkFarSide} is who is at the far end and
 * {@link LinkTraffic} what went over the link.
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

	final ClusterLinks cluster;

	final String address;

	final ClusterState.Direction direction;

	final @Nullable DialledServer dialled;

	volatile ClusterState.@Nullable Role role;

	volatile ClusterState.Status status = ClusterState.Status.CONNECTING;

	volatile @Nullable ProtocolVersion version;

	private volatile @Nullable Instant connectedSince;

	volatile @Nullable String lastError;

	long openedNanos;

	@Nullable ScheduledFuture<?> handshakeTimer;

	boolean synced;

	// set when this side decided to close: frames still arriving are ignored
	private boolean closing;

	final AfterUnlock afterUnlock = new AfterUnlock(this);

	private final LinkDelivery delivery = new LinkDelivery();

	final LinkFarSide far = new LinkFarSide();

	final Set<String> topics = ConcurrentHashMap.newKeySet();

	final LinkTraffic traffic = new LinkTraffic();

	final LinkSender sender = new LinkSender(this);

	final LinkResume resume = new LinkResume();

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
		this.far.identified(far);
	}

	/**
	 * Called once the WebSocket connection is open: a consumer sends 101.
	 * @param channel the connection
	 */
	public void opened(LinkChannel channel) {
		synchronized (this) {
			this.sender.open(channel);
			this.connectedSince = Instant.now();
			this.openedNanos = System.nanoTime();
			this.status = ClusterState.Status.HANDSHAKING;
			this.handshakeTimer = this.cluster.scheduleHandshakeTimeout(this);
			if (this.role == ClusterState.Role.CONSUMER) {
				this.sender.send(PscCodec.hello(ProtocolVersion.SUPPORTED));
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
			this.sender.send(PscCodec.hello(ProtocolVersion.SUPPORTED));
		}
	}

	/**
	 * Handle a text frame from the far side. A frame that breaks the protocol closes the
	 * link.
	 * @param frame the frame text
	 */
	public void received(String frame) {
		long receivedNanos = System.nanoTime();
		this.traffic.received(frame);
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
					LinkFrames.checkEvent(this, event);
					after = null;
				}
				else {
					after = LinkFrames.handle(this, message);
				}
			}
			catch (PscProtocolException ex) {
				event = null;
				after = null;
				closeForProtocolError(ex.closeCode(), ex.getMessage());
			}
		}
		this.afterUnlock.run();
		if (event != null) {
			this.delivery.deliver(this, event, receivedNanos);
		}
		else if (after != null) {
			after.run();
		}
	}

	/**
	 * Close the link because the far side broke the protocol outside a frame (a frame
	 * too big, a binary frame).
	 * @param code the close code
	 * @param reason the reason
	 */
	public void protocolError(int code, String reason) {
		this.afterUnlock.locked(() -> closeForProtocolError(code, reason));
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
	void closeAfterUnlock(int code, String reason) {
		this.closing = true;
		this.afterUnlock.add(() -> close(code, reason));
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
			this.resume.stop();
			if (code == SELF_LINK) {
				this.far.selfLink = true;
			}
			if (this.lastError == null && code != 1000 && code != 1001) {
				this.lastError = "closed " + code + ((reason != null && !reason.isEmpty()) ? " " + reason : "");
			}
		}
		// a link dialled again to replace this one cannot overtake its last delivery
		this.delivery.stop();
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
		return this.far.selfLink;
	}

	/**
	 * Return whether the far node uses this node's id while being another process.
	 * @return whether the far node's id clashes with this node's
	 */
	public boolean isNodeIdConflict() {
		return this.far.nodeIdConflict;
	}

	/**
	 * Return whether the link was closed because this node already had a ready link with
	 * the same far node in the same role.
	 * @return whether it was a duplicate
	 */
	public boolean isDuplicate() {
		return this.far.duplicate;
	}

	/**
	 * Return the far node as its upgrade header told.
	 * @return the far node, {@code null} when it sent no header
	 */
	public NodeIdentity.@Nullable FarNode farNode() {
		return this.far.node;
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
		return this.far.nodeId;
	}

	/**
	 * Return the last error on the link: why it was closed, when it was closed for a
	 * reason.
	 * @return the last error, if any
	 */
	public @Nullable String lastError() {
		return this.lastError;
	}

	// the far producer's epoch on a 1.2 consumer link, once known
	synchronized @Nullable String epoch() {
		return this.resume.epoch;
	}

	/**
	 * Stop delivering, and close: a newer link from the same producer node is ready. The
	 * producer closed this one already, but frames it wrote before may still be read
	 * here while the new link delivers, out of order with its events. Waits for a
	 * delivery in progress on this link to end. Called with no lock held.
	 */
	void supersede(PeerLink newer) {
		this.delivery.stop();
		this.afterUnlock.locked(() -> {
			if (!this.closing && this.status != ClusterState.Status.CLOSED) {
				logger.info("Link " + this + " replaced by " + newer.address + " from the same node; closing it");
				closeAfterUnlock(1000, "replaced by a newer link from the same node");
			}
		});
	}

	void handshakeTimedOut() {
		this.afterUnlock.locked(() -> {
			if (this.status == ClusterState.Status.HANDSHAKING && !this.closing) {
				this.cluster.counters().badFrames.increment();
				this.lastError = "handshake timeout";
				logger.warn("Closing link " + this + ": no handshake in time");
				closeAfterUnlock(PROTOCOL_ERROR, "handshake timeout");
			}
		});
	}

	/**
	 * Send every subscribed topic, one per 201, to a consumer link that just became
	 * ready. Called with the cluster's subscription lock held, so that no subscription
	 * change slips between the snapshot and the sends.
	 */
	synchronized void syncTopics(Set<String> subscribed, PscMessage.@Nullable Resume resume) {
		LinkTopics.sync(this, subscribed, resume);
	}

	/**
	 * Bring one topic on a consumer link in line with the local subscribers. Called with
	 * the cluster's subscription lock held.
	 */
	synchronized void syncTopic(String topic, boolean wanted) {
		LinkTopics.sync(this, topic, wanted);
	}

	void replayTimedOut() {
		this.afterUnlock.locked(() -> {
			if (this.resume.pending != null && this.status == ClusterState.Status.READY) {
				closeForProtocolError(PROTOCOL_ERROR, "replay did not end in time (no 204)");
			}
		});
	}

	/**
	 * Close the link from this side.
	 * @param code the close code
	 * @param reason the close reason
	 */
	public void close(int code, String reason) {
		this.sender.close(code, reason);
	}

	ClusterState.Link snapshot(long reconnectAttempts) {
		ProtocolVersion version = this.version;
		ClusterState.Role role = this.role;
		return new ClusterState.Link(this.address, this.direction, (role != null) ? role.opposite() : null, this.status,
				null, (version != null) ? version.toString() : null, this.far.nodeId, this.connectedSince,
				Set.copyOf(this.topics), this.traffic.messagesIn.get(), this.traffic.messagesOut.get(),
				this.traffic.bytesIn.get(), this.traffic.bytesOut.get(), this.traffic.drops.get(), reconnectAttempts, this.lastError, this.resume.last);
	}

	@Override
	public String toString() {
		Long id = this.far.nodeId;
		ClusterState.Role role = this.role;
		return this.address + " [" + this.direction.name().toLowerCase() + ", far "
				+ ((role != null) ? role.opposite().name().toLowerCase() : "role unknown")
				+ ((id != null) ? ", node " + id : "") + "]";
	}

}
