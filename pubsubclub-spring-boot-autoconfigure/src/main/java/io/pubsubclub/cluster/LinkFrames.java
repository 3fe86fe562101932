package io.pubsubclub.cluster;

import org.jspecify.annotations.Nullable;

/**
 * Where a frame read on a {@link PeerLink} goes, by the role this node plays on it and
 * the link's state: a 101 on a link whose role is still open makes this node the
 * producer; then the handshake ({@link LinkHandshake}), the topics of a ready link
 * ({@link LinkTopics}), a 204 ({@link LinkResume}), or a protocol error. Runs under the
 * link's lock.
 *
 * @author PubSubClub
 */
final class LinkFrames {

	private LinkFrames() {
	}

	/**
	 * Check a 301 read on a ready consumer link before it is delivered: on a 1.2 link its
	 * sequence number, on an older one that it carries nothing more than a topic and an
	 * event.
	 */
	static void checkEvent(PeerLink link, PscMessage.Event event) {
		ProtocolVersion version = link.version;
		if (version != null && version.resumable()) {
			link.resume.received(event);
		}
		else if (event.seq() != 0 || event.sessions() != null) {
			throw new PscProtocolException("301 takes a topic and one event");
		}
	}

	/**
	 * Handle any other frame.
	 * @return what to run once the link's lock is released, if anything
	 */
	static @Nullable Runnable handle(PeerLink link, PscMessage message) {
		if (link.role == null) {
			if (!(message instanceof PscMessage.Hello)) {
				throw new PscProtocolException("expected 101 before anything else");
			}
			link.role = ClusterState.Role.PRODUCER;
		}
		boolean handshaking = link.status == ClusterState.Status.HANDSHAKING;
		if (link.role == ClusterState.Role.PRODUCER) {
			if (handshaking) {
				LinkHandshake.producer(link, message);
				return null;
			}
			return LinkTopics.producer(link, message);
		}
		if (handshaking) {
			return LinkHandshake.consumer(link, message);
		}
		if (message instanceof PscMessage.Welcome) {
			throw new PscProtocolException("102 after the handshake");
		}
		if (message instanceof PscMessage.Resumed resumed) {
			ClusterState.Resume outcome = link.resume.resumed(resumed);
			return () -> link.cluster.resumeEnded(link, outcome);
		}
		throw new PscProtocolException(PscMessage.type(message) + " sent to a consumer");
	}

}
