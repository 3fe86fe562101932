package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.event.LocalSubscribers;

/**
 * The consumer role across links: every producer link is told of the topics the local
 * subscribers hold (201/202), a link that becomes ready is synced (and resumes what it
 * held across a drop, PSC 1.2), and what producers send is delivered to the local
 * subscribers once, in order. Its lock (the subscription lock) is the first in the
 * package's lock order: a link's lock is taken under it, never the other way round; gap
 * reports, which call the application's listeners, are made outside it. Memory: the set
 * of ready producer links, and the {@link ResumeState}.
 *
 * @author PubSubClub
 */
final class Subscriptions {

	private final LocalSubscribers localSubscribers;

	private final ClusterCounters counters;

	private final GapReporter gaps;

	private final Set<PeerLink> producers = ConcurrentHashMap.newKeySet();

	private final Object lock = new Object();

	private volatile ResumeState resumeState = new ResumeState(true, ResumeSettings.DEFAULTS.horizon());

	private volatile Duration horizon = ResumeSettings.DEFAULTS.horizon();

	private volatile @Nullable ClusterTimings timings;

	Subscriptions(LocalSubscribers localSubscribers, ClusterCounters counters, GapReporter gaps) {
		this.localSubscribers = localSubscribers;
		this.counters = counters;
		this.gaps = gaps;
	}

	void setResumeSettings(ResumeSettings settings) {
		setHorizon(settings.enabled(), settings.horizon());
	}

	void setHorizon(boolean enabled, Duration horizon) {
		this.horizon = horizon;
		this.resumeState = new ResumeState(enabled, horizon);
	}

	void setTimings(@Nullable ClusterTimings timings) {
		this.timings = timings;
	}

	/**
	 * A local topic gained or lost subscribers: bring every producer link in line.
	 */
	void changed(String topic) {
		if (!this.localSubscribers.hasSubscribers(topic)) {
			// not held continuously any more: a resume must not claim it
			this.resumeState.unsubscribed(topic);
		}
		if (this.producers.isEmpty()) {
			return;
		}
		// the event only says the topic changed; the subscribers say how, whatever
		// order concurrent events arrive in
		synchronized (this.lock) {
			boolean wanted = this.localSubscribers.hasSubscribers(topic);
			for (PeerLink producer : this.producers) {
				producer.syncTopic(topic, wanted);
			}
		}
	}

	/**
	 * A producer link became ready: sync its topics, with a 203 first when it resumes.
	 * Called on its reading thread with no lock held.
	 */
	void ready(PeerLink link) {
		// outside the lock: a gap report calls the application's listeners
		forgetOldProducers();
		ResumeState.Start start = null;
		Long producerId = link.farNodeId();
		synchronized (this.lock) {
			this.producers.add(link);
			Set<String> local = this.localSubscribers.topics();
			String epoch = link.epoch();
			if (epoch != null && producerId != null) {
				start = this.resumeState.linked(producerId, epoch, local);
				link.resume.progress = start.progress();
			}
			link.syncTopics(local, (start != null) ? start.resume() : null);
		}
		if (link.status() != ClusterState.Status.READY) {
			this.producers.remove(link);
		}
		if (start != null && producerId != null && !start.lostTopics().isEmpty()) {
			this.gaps.restarted(link, producerId, start.lostTopics());
		}
	}

	private void forgetOldProducers() {
		this.resumeState.forgetOld()
			.forEach((producerId, topics) -> this.gaps.forgotten(producerId, topics, this.horizon));
	}

	void resumeEnded(PeerLink link, ClusterState.Resume outcome) {
		Long producerId = link.farNodeId();
		this.gaps.resumed(link, (producerId != null) ? producerId : -1, outcome);
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

	/**
	 * A producer link went away: what it held is remembered for a resume.
	 */
	void removed(PeerLink link) {
		this.producers.remove(link);
		ResumeState.Progress progress = link.resume.progress;
		if (progress != null) {
			progress.dropped(Set.copyOf(link.topics));
		}
	}

}
