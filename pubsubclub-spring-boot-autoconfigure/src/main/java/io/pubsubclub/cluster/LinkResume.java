package io.pubsubclub.cluster;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.jspecify.annotations.Nullable;

/**
 * One link's share of PSC 1.2: on the consumer side the producer's epoch and progress,
 * the last sequence number seen on this link, and the resume in progress; on the
 * producer side the outbox and whether a 203 may still come. Guarded by the
 * {@link PeerLink}'s lock, except where noted.
 *
 * @author PubSubClub
 */
final class LinkResume {

	@Nullable String epoch;

	// shared with other links to the same producer; thread-safe
	volatile ResumeState.@Nullable Progress progress;

	long lastSeqOnLink;

	PscMessage.@Nullable Resume pending;

	long replayed;

	@Nullable ScheduledFuture<?> timer;

	// producer side: a 203 is accepted only as the first frame after the 102
	boolean resumeAllowed;

	volatile @Nullable ResumeOutbox outbox;

	// producer side: the 203 being served, and the time its replay has
	volatile PscMessage.@Nullable Resume serving;

	volatile @Nullable ScheduledFuture<?> servingTimer;

	volatile ClusterState.@Nullable Resume last;

	/**
	 * Check a 301 received on a 1.2 link: it carries a sequence number above the last one
	 * on this link.
	 */
	void received(PscMessage.Event event) {
		if (event.seq() == 0) {
			throw new PscProtocolException("301 without a sequence number on a 1.2 link");
		}
		if (event.seq() <= this.lastSeqOnLink) {
			throw new PscProtocolException(
					"301 sequence number went backwards: " + event.seq() + " after " + this.lastSeqOnLink);
		}
		this.lastSeqOnLink = event.seq();
		if (this.pending != null) {
			this.replayed++;
		}
	}

	/**
	 * Take a 204 for the 203 sent, and record how the resume went.
	 * @return the outcome
	 */
	ClusterState.Resume resumed(PscMessage.Resumed resumed) {
		PscMessage.Resume pending = this.pending;
		if (pending == null) {
			throw new PscProtocolException("204 without a 203");
		}
		this.pending = null;
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
		Long missed = null;
		if (resumed.complete()) {
			missed = 0L;
		}
		else if (resumed.firstSeqStillHeld() > 0) {
			missed = Math.max(0, resumed.firstSeqStillHeld() - 1 - pending.lastSeq());
		}
		ClusterState.Resume outcome = new ClusterState.Resume(Instant.now(), this.replayed, resumed.complete(),
				missed, pending.topics());
		this.last = outcome;
		return outcome;
	}

	/**
	 * Record, on the producer side, how the replay a 203 asked for ended.
	 */
	void answered(PscMessage.Resume resume, long replayed, boolean complete, long firstSeqStillHeld) {
		Long missed = complete ? Long.valueOf(0)
				: (firstSeqStillHeld > 0) ? Math.max(0, firstSeqStillHeld - 1 - resume.lastSeq()) : null;
		this.last = new ClusterState.Resume(Instant.now(), replayed, complete, missed, resume.topics());
	}

}
