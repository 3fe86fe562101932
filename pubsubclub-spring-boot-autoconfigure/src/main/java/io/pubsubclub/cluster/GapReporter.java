package io.pubsubclub.cluster;

import java.util.List;
import java.util.OptionalLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Reports every gap a consumer finds in what a producer sent it: a WARN naming the link
 * and the producer, the gap counters, and a {@link ClusterGapEvent}. Called outside any
 * lock.
 *
 * @author PubSubClub
 */
final class GapReporter {

	private static final Log logger = LogFactory.getLog(GapReporter.class);

	private final Object source;

	private final ClusterCounters counters;

	private volatile @Nullable ApplicationEventPublisher publisher;

	GapReporter(Object source, ClusterCounters counters) {
		this.source = source;
		this.counters = counters;
	}

	void setPublisher(@Nullable ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * A resume ended (204): count it, and report it if it found a gap.
	 */
	void resumed(PeerLink link, long producerId, ClusterState.Resume outcome) {
		this.counters.resumes.increment();
		this.counters.replayed.add(outcome.replayed());
		if (outcome.complete()) {
			if (logger.isInfoEnabled()) {
				logger.info("Link " + link + " resumed from producer " + producerId + " with nothing lost ("
						+ outcome.replayed() + " events replayed)");
			}
			return;
		}
		Long missed = outcome.missed();
		logger.warn("Link " + link + " resumed from producer " + producerId + " with a gap: "
				+ ((missed != null) ? missed + " sequence numbers" : "an unknown number of events") + " missed on "
				+ outcome.topics() + " (" + outcome.replayed() + " events replayed)");
		report(producerId, outcome.topics(), (missed != null) ? OptionalLong.of(missed) : OptionalLong.empty(), false);
	}

	/**
	 * A producer came back with a new epoch while this node held topics of it.
	 */
	void restarted(PeerLink link, long producerId, List<String> topics) {
		logger.warn("Link " + link + ": producer " + producerId
				+ " restarted (new epoch); what it had not forwarded before is lost on " + topics);
		report(producerId, topics, OptionalLong.empty(), true);
	}

	/**
	 * A producer was not linked again within the horizon: what it held is not resumed.
	 */
	void forgotten(long producerId, List<String> topics, java.time.Duration horizon) {
		logger.warn("Producer " + producerId + " not linked again within " + horizon
				+ "; what it published since the link dropped is not resumed, an unknown number of events on "
				+ topics);
		report(producerId, topics, OptionalLong.empty(), false);
	}

	private void report(long producerId, List<String> topics, OptionalLong missed, boolean restarted) {
		this.counters.gaps.increment();
		if (missed.isPresent()) {
			this.counters.missed.add(missed.getAsLong());
		}
		ApplicationEventPublisher publisher = this.publisher;
		if (publisher != null) {
			try {
				publisher.publishEvent(new ClusterGapEvent(this.source, producerId, topics, missed, restarted));
			}
			catch (RuntimeException ex) {
				logger.warn("A listener of ClusterGapEvent failed", ex);
			}
		}
	}

}
