package io.pubsubclub.cluster;

import java.util.concurrent.atomic.LongAdder;

/**
 * Cluster-wide counters, written on the hot path without contention.
 *
 * @author PubSubClub
 */
final class ClusterCounters {

	final LongAdder publishesForwarded = new LongAdder();

	final LongAdder eventsForwarded = new LongAdder();

	final LongAdder eventsReceived = new LongAdder();

	final LongAdder badFrames = new LongAdder();

	final LongAdder slowPeerDisconnects = new LongAdder();

	final LongAdder handshakes = new LongAdder();

	final LongAdder handshakeNanos = new LongAdder();

	final LongAdder selfLinks = new LongAdder();

	final LongAdder reconnectAttempts = new LongAdder();

	final LongAdder framesDropped = new LongAdder();

	final LongAdder resumes = new LongAdder();

	final LongAdder replayed = new LongAdder();

	final LongAdder gaps = new LongAdder();

	final LongAdder missed = new LongAdder();

	final LongAdder duplicates = new LongAdder();

	final LongAdder replaysServed = new LongAdder();

	final LongAdder eventsReplayed = new LongAdder();

	final LongAdder withheld = new LongAdder();

	ClusterState.Totals snapshot(long bufferedEvents, long bufferedBytes) {
		return new ClusterState.Totals(this.publishesForwarded.sum(), this.eventsForwarded.sum(),
				this.eventsReceived.sum(), this.badFrames.sum(), this.slowPeerDisconnects.sum(), this.handshakes.sum(),
				this.handshakeNanos.sum(), this.selfLinks.sum(), this.reconnectAttempts.sum(), this.framesDropped.sum(),
				new ClusterState.ResumeTotals(this.resumes.sum(), this.replayed.sum(), this.gaps.sum(),
						this.missed.sum(), this.duplicates.sum(), this.replaysServed.sum(), this.eventsReplayed.sum(),
						this.withheld.sum(), bufferedEvents, bufferedBytes));
	}

}
