package io.pubsubclub.cluster;

import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The topics of a {@link PeerLink} once it is ready: on the producer side the 201/202
 * (and the 203 that resumes) a consumer sends, kept in the link's topic set and the
 * cluster's map of consumers by topic; on the consumer side the 201/202 (and the 203)
 * that keep the producer in line with the local subscribers. Runs under the link's lock
 * (the consumer side under the cluster's subscription lock too).
 *
 * @author PubSubClub
 */
final class LinkTopics {

	private static final Log logger = LogFactory.getLog(PeerLink.class);

	private LinkTopics() {
	}

	// the producer's side after the handshake: 203, 201, 202; returns what to do once the
	// link's lock is released
	static @Nullable Runnable producer(PeerLink link, PscMessage message) {
		boolean resumeAllowed = link.resume.resumeAllowed;
		link.resume.resumeAllowed = false;
		if (message instanceof PscMessage.Resume resume) {
			ProtocolVersion version = link.version;
			if (version == null || !version.resumable()) {
				throw new PscProtocolException("203 on a version " + version + " link");
			}
			if (!resumeAllowed) {
				throw new PscProtocolException("203 out of place: only right after the 102");
			}
			link.topics.addAll(resume.topics());
			return () -> link.cluster.producerResumed(link, resume);
		}
		if (message instanceof PscMessage.Subscribe subscribe) {
			for (String topic : subscribe.topics()) {
				if (link.topics.add(topic)) {
					link.cluster.producerSubscribed(link, topic);
				}
			}
		}
		else if (message instanceof PscMessage.Unsubscribe unsubscribe) {
			for (String topic : unsubscribe.topics()) {
				if (link.topics.remove(topic)) {
					link.cluster.producerUnsubscribed(link, topic);
				}
				else if (logger.isDebugEnabled()) {
					logger.debug("Link " + link + " unsubscribed from " + topic + ", which it did not hold");
				}
			}
		}
		else if (message instanceof PscMessage.Hello) {
			throw new PscProtocolException("101 after the handshake");
		}
		else {
			throw new PscProtocolException(PscMessage.type(message) + " sent to a producer");
		}
		return null;
	}

	/**
	 * Send every subscribed topic, one per 201, to a consumer link that just became
	 * ready. Called with the cluster's subscription lock held, so that no subscription
	 * change slips between the snapshot and the sends.
	 */
	static void sync(PeerLink link, Set<String> subscribed, PscMessage.@Nullable Resume resume) {
		if (link.status != ClusterState.Status.READY || link.synced) {
			return;
		}
		link.synced = true;
		if (resume != null) {
			// right after the 102, before any 201: the topics held across the drop
			link.sender.send(PscResumeCodec.resume(resume.epoch(), resume.lastSeq(), resume.topics()));
			link.topics.addAll(resume.topics());
			link.resume.pending = resume;
			link.resume.replayed = 0;
			link.resume.timer = link.cluster.scheduleReplayTimeout(link::replayTimedOut);
		}
		for (String topic : subscribed) {
			if (link.topics.add(topic)) {
				link.sender.send(PscCodec.subscribe(topic));
			}
		}
	}

	/**
	 * Bring one topic on a consumer link in line with the local subscribers. Called with
	 * the cluster's subscription lock held.
	 */
	static void sync(PeerLink link, String topic, boolean wanted) {
		if (!link.synced || link.status != ClusterState.Status.READY) {
			return;
		}
		if (wanted) {
			if (link.topics.add(topic)) {
				link.sender.send(PscCodec.subscribe(topic));
			}
		}
		else if (link.topics.remove(topic)) {
			link.sender.send(PscCodec.unsubscribe(topic));
		}
	}

}
