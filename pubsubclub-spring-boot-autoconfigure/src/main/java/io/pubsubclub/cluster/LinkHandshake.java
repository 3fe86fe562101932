package io.pubsubclub.cluster;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The handshake of a {@link PeerLink}: the producer's answer to a 101 (the version
 * chosen, the 102 with its node id and, on 1.2, its epoch), the consumer's checks of a
 * 102, and the decision whether the link may become ready at all (not a self-link, not
 * a duplicate of a ready link to the same far node). Runs under the link's lock: it only
 * changes the link's state and queues frames; what calls out is collected to run once
 * the lock is released.
 *
 * @author PubSubClub
 */
final class LinkHandshake {

	private static final Log logger = LogFactory.getLog(PeerLink.class);

	private LinkHandshake() {
	}

	// the producer's side: a 101, answered with 102
	static void producer(PeerLink link, PscMessage message) {
		if (!(message instanceof PscMessage.Hello hello)) {
			throw new PscProtocolException("expected 101 before anything else");
		}
		if (!admit(link)) {
			return;
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
			link.sender.send(PscResumeCodec.welcome(link.cluster.nodeId(), link.cluster.epoch()));
			link.resume.resumeAllowed = true;
		}
		else {
			link.sender.send(PscCodec.welcome(chosen, link.cluster.nodeId()));
		}
		ready(link, chosen);
	}

	// the consumer's side: a 102; returns what to do once the link's lock is released
	static @Nullable Runnable consumer(PeerLink link, PscMessage message) {
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
			link.far.nodeId = welcome.nodeId();
		}
		if (!admit(link)) {
			return null;
		}
		link.resume.epoch = welcome.epoch();
		ready(link, welcome.version());
		return () -> link.cluster.consumerReady(link);
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
	static boolean admit(PeerLink link) {
		NodeIdentity identity = link.cluster.identity();
		if (identity.isSelf(link.far.node)) {
			link.far.selfLink = true;
			link.cluster.counters().selfLinks.increment();
			link.lastError = "self-link";
			logger.info("Link " + link + " leads back to this node; closing it"
					+ ((link.direction == ClusterState.Direction.DIALLED) ? " for good" : ""));
			link.closeAfterUnlock(PeerLink.SELF_LINK, "self-link");
			return false;
		}
		Long farId = link.far.nodeId;
		if (farId != null && farId == identity.nodeId()) {
			link.far.nodeIdConflict = true;
			logger.warn("Node at " + link.address + " (" + link.direction.name().toLowerCase()
					+ ") uses this node's id " + farId + " but is another node: give every node its own "
					+ "pubsubclub.node-id (or leave it unset for a random one); linking it anyway");
		}
		if (link.direction == ClusterState.Direction.DIALLED) {
			String key = ClusterLinks.claimKey(link);
			if (key != null) {
				PeerLink holder = link.cluster.claim(key, link);
				if (holder != null) {
					link.far.duplicate = true;
					link.lastError = "duplicate of " + holder.address + " (same node" + describeFar(link) + ")";
					logger.warn("Link " + link + " leads to the node already linked as " + holder.address
							+ describeFar(link) + "; closing this duplicate link, so that no event arrives twice "
							+ "(dialled again if that link goes away)");
					link.closeAfterUnlock(PeerLink.DUPLICATE_LINK, "duplicate link");
					return false;
				}
				link.far.claimKey = key;
			}
		}
		return true;
	}

	private static String describeFar(PeerLink link) {
		Long id = link.far.nodeId;
		return (id != null) ? ", node id " + id : "";
	}

	private static void ready(PeerLink link, ProtocolVersion version) {
		link.version = version;
		LinkChannel channel = link.sender.channel();
		if (link.role == ClusterState.Role.PRODUCER && version.resumable() && channel != null) {
			link.resume.outbox = new ResumeOutbox(link, channel, link.cluster.sequencer());
		}
		link.status = ClusterState.Status.READY;
		if (link.handshakeTimer != null) {
			link.handshakeTimer.cancel(false);
		}
		link.cluster.counters().handshakes.increment();
		link.cluster.counters().handshakeNanos.add(System.nanoTime() - link.openedNanos);
		DialledServer dialled = link.dialled;
		if (dialled != null) {
			// the dialer locks itself: told once this link's lock is released
			link.afterUnlock.add(dialled::linkReady);
		}
		if (logger.isInfoEnabled()) {
			logger.info("Link " + link + " ready, version " + version);
		}
	}

}
