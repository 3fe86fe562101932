package io.pubsubclub.cluster;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.RemoteSessions;

/**
 * The producer role across links: which consumer links asked for which topic, and the
 * forwarding of each local publish to them, encoded once. 1.0/1.1 links get the plain 301
 * at once; 1.2 links get it through the {@link Sequencer}, which numbers it, keeps it for
 * a replay and queues it on their {@link ResumeOutbox outboxes}, and serves their 203s.
 * Memory: one set entry per (topic, consumer link) subscription.
 *
 * @author PubSubClub
 */
final class Forwarding {

	private static final Log logger = LogFactory.getLog(Forwarding.class);

	private final ConcurrentMap<String, Set<PeerLink>> consumersByTopic;

	private final LocalSubscribers localSubscribers;

	private final ClusterCounters counters;

	private volatile Sequencer sequencer = new Sequencer(ResumeSettings.DEFAULTS);

	Forwarding(ConcurrentMap<String, Set<PeerLink>> consumersByTopic, LocalSubscribers localSubscribers,
			ClusterCounters counters) {
		this.consumersByTopic = consumersByTopic;
		this.localSubscribers = localSubscribers;
		this.counters = counters;
	}

	void setResumeSettings(ResumeSettings settings) {
		this.sequencer = new Sequencer(settings);
	}

	Sequencer sequencer() {
		return this.sequencer;
	}

	/**
	 * Forward a local publish to every consumer link that asked for its topic, with the
	 * WAMP sessions it names: over PSC 1.2 as the 301's fifth element; a 1.0/1.1 link,
	 * which cannot honour them, does not get such a publish at all.
	 * @return whether some consumer link asked for the topic
	 */
	boolean publish(String topic, String eventJson, @Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		return publish(topic, eventJson, exclude, eligible, false);
	}

	/**
	 * Forward a local publish, {@code v2} saying whether the event is the wrapper of a
	 * WAMP v2 payload: the options element of a 1.2 301 then carries {@code "v2": true};
	 * a 1.0/1.1 link gets the plain 301 unless the publish names sessions.
	 * @return whether some consumer link asked for the topic
	 */
	boolean publish(String topic, String eventJson, @Nullable Set<String> exclude, @Nullable Set<String> eligible,
			boolean v2) {
		Set<PeerLink> consumers = this.consumersByTopic.get(topic);
		boolean asked = consumers != null && !consumers.isEmpty();
		Sequencer sequencer = this.sequencer;
		if (!asked && !sequencer.tracking()) {
			return false;
		}
		String listsJson = remoteSessions(exclude, eligible, false);
		String sessionsJson = v2 ? remoteSessions(exclude, eligible, true) : listsJson;
		boolean resumable = sequencer.tracking();
		if (consumers != null) {
			String legacyFrame = null;
			for (PeerLink consumer : consumers) {
				if (consumer.resume.outbox != null) {
					resumable = true;
				}
				else if (listsJson != null) {
					this.counters.withheld.increment();
				}
				else {
					if (legacyFrame == null) {
						legacyFrame = PscCodec.event(topic, eventJson);
					}
					consumer.sender.event(legacyFrame);
				}
			}
		}
		if (resumable) {
			// the 1.2 links are read again under the sequencer's lock: one whose 203 is
			// served meanwhile gets this publish either in its replay or live
			Set<PeerLink> sequenced = sequencer.sequence(topic, eventJson, sessionsJson, this.consumersByTopic::get);
			if (sequenced != null) {
				for (PeerLink consumer : sequenced) {
					ResumeOutbox outbox = consumer.resume.outbox;
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
		RemoteSessions remote = RemoteSessions.of(this.localSubscribers, exclude, eligible);
		if (remote.none() && !v2) {
			return null;
		}
		return PscResumeCodec.sessions(remote.exclude(), remote.eligible(), v2);
	}

	void subscribed(PeerLink link, String topic) {
		// the add inside the map's atomic step: a set emptied and dropped by another link's
		// 202 at the same moment must not take this link with it
		this.consumersByTopic.compute(topic, (key, consumers) -> {
			Set<PeerLink> set = (consumers != null) ? consumers : ConcurrentHashMap.newKeySet();
			set.add(link);
			return set;
		});
	}

	void unsubscribed(PeerLink link, String topic) {
		this.consumersByTopic.computeIfPresent(topic, (key, consumers) -> {
			consumers.remove(link);
			return consumers.isEmpty() ? null : consumers;
		});
	}

	/**
	 * Serve a 203: subscribe the link to its topics and start its replay, at one point of
	 * the sequence. Called on the link's reading thread with no lock held.
	 */
	void resumed(PeerLink link, PscMessage.Resume resume) {
		ResumeOutbox outbox = link.resume.outbox;
		if (outbox == null) {
			return;
		}
		link.resume.serving(link, resume);
		Sequencer sequencer = this.sequencer;
		sequencer.resume(link, resume, () -> {
			for (String topic : resume.topics()) {
				subscribed(link, topic);
			}
		}, this.consumersByTopic::get);
		this.counters.replaysServed.increment();
		if (logger.isInfoEnabled()) {
			logger.info("Link " + link + " resumes from " + resume.lastSeq() + " on " + resume.topics().size()
					+ " topics" + (sequencer.epoch().equals(resume.epoch()) ? "" : ", for another epoch (gap)"));
		}
		outbox.drain();
	}

	/**
	 * A consumer link went away: a 1.2 link's topics are retained before it lets go of
	 * them, so that no publish slips between; what it misses is kept for its return.
	 */
	void removed(PeerLink link) {
		if (link.resume.outbox != null) {
			this.sequencer.retain(Set.copyOf(link.topics));
		}
		for (String topic : link.topics) {
			unsubscribed(link, topic);
		}
	}

}
