package io.pubsubclub.cluster;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One link's share of PSC 1.2: on the consumer side the producer's epoch and progress,
 * the last sequence number seen on this link, and the resume in progress; on the
 * producer side the outbox, whether a 203 may still come, and the 203 being served
 * (its replay must end within {@code replay.timeout}, or the consumer is cut off with
 * 1013). Guarded by the
 * {@link PeerLink}'s lock, except where noted.
 *
 * @author PubSubClub
 */
final class LinkResume {

	private static final Log logger = LogFactory.getLog(PeerLink.class);

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

	/**
	 * Producer side: start serving a 203, whose replay must end within the replay timeout,
	 * or the consumer is cut off as too slow (1013).
	 */
	void serving(PeerLink link, PscMessage.Resume resume) {
		this.serving = resume;
		this.servingTimer = link.cluster.scheduleReplayTimeout(() -> servingTimedOut(link));
	}

	/**
	 * Producer side: the replay of the 203 being served went out; record how it ended.
	 */
	void replayEnded(PeerLink link, long replayed, boolean complete, long firstSeqStillHeld) {
		PscMessage.Resume resume = this.serving;
		ScheduledFuture<?> timer = this.servingTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		if (resume == null) {
			return;
		}
		answered(resume, replayed, complete, firstSeqStillHeld);
		if (logger.isInfoEnabled()) {
			logger.info("Link " + link + " resumed from " + resume.lastSeq() + " on " + resume.topics().size()
					+ " topics: replayed " + replayed + " events"
					+ (complete ? "" : (firstSeqStillHeld == 0) ? ", with a gap of unknown size"
							: ", with a gap before " + firstSeqStillHeld));
		}
	}

	/**
	 * The link closed: cancel the timers and close the outbox.
	 */
	void stop() {
		if (this.timer != null) {
			this.timer.cancel(false);
		}
		ScheduledFuture<?> servingTimer = this.servingTimer;
		if (servingTimer != null) {
			servingTimer.cancel(false);
		}
		ResumeOutbox outbox = this.outbox;
		if (outbox != null) {
			outbox.close();
		}
	}

	// a consumer that does not take its replay is cut off, on a timer thread: the close
	// goes through the channel, which runs it elsewhere
	private void servingTimedOut(PeerLink link) {
		ResumeOutbox outbox = this.outbox;
		if (outbox != null && outbox.replaying() && link.status() == ClusterState.Status.READY) {
			link.slowPeer("replay not taken within " + link.cluster.resumeSettings().timeout());
			link.close(1013, "slow consumer: replay not read in time");
		}
	}

}
