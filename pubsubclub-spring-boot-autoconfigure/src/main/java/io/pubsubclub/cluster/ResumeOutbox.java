package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What a producer sends on one PSC 1.2 link, in sequence order: the replay a 203 asked
 * for, then its 204, then the live 301s the {@link Sequencer} queues once the replay has
 * caught up. Events are queued under the sequencer's lock (no call-out); one thread at a
 * time drains the outbox into the link's channel, never under a lock, so concurrent
 * publishers cannot reorder a link's sequence numbers.
 * <p>
 * <b>Bounds.</b> A replay is read from the {@link ReplayBuffer} a batch at a time
 * ({@value #MAX_BATCH_CHARS} characters at most, and no more than fits below half the
 * channel's send buffer), so it holds no copy of the events it replays. Live events
 * published during a replay are not queued here at all: they are in the buffer, and the
 * replay reads them there; the outbox turns live (under the sequencer's lock) only when
 * the replay has reached the newest event. What the outbox holds beyond the channel's
 * send buffer is therefore one batch, plus the live events queued between a publish and
 * its drain; live events queued past the send buffer's size cut the link off as too slow
 * (1013), as a live link would be. A replay goes out no faster than the channel takes
 * it (it pauses while the channel's buffer is half full and goes on shortly after), and
 * must end within {@code replay.timeout}: a consumer that does not read it is cut off
 * with 1013 and counted as a slow peer.
 *
 * @author PubSubClub
 */
final class ResumeOutbox {

	/** The most characters read from the buffer in one batch of a replay. */
	static final int MAX_BATCH_CHARS = 64 * 1024;

	private static final long RETRY_MILLIS = 5;

	private final PeerLink link;

	private final LinkChannel channel;

	private final Sequencer sequencer;

	private final Queue<SequencedEvent> live = new ConcurrentLinkedQueue<>();

	private final AtomicLong liveChars = new AtomicLong();

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	// guarded by the sequencer's lock: live events are queued only once this is set
	private boolean liveMode = true;

	private volatile @Nullable Replay replay;

	// the batch on its way to the channel, for heldChars; written by the draining thread
	private volatile long batchChars;

	private volatile boolean closed;

	ResumeOutbox(PeerLink link, LinkChannel channel, Sequencer sequencer) {
		this.link = link;
		this.channel = channel;
		this.sequencer = sequencer;
	}

	/**
	 * Queue a live event. Called under the sequencer's lock: does no more than queue. An
	 * event published while a replay is read is not queued: the replay reads it.
	 */
	void offer(SequencedEvent event) {
		if (this.liveMode && !this.closed) {
			this.live.add(event);
			this.liveChars.addAndGet(event.frame().length());
		}
	}

	/**
	 * Start the replay that goes out before any live event. Called under the sequencer's
	 * lock.
	 * @param cursor the replay, {@code null} when the 203 named another epoch
	 * @param unknownLoss whether the replay must end in a gap of unknown size
	 */
	void replay(ReplayBuffer.@Nullable Cursor cursor, boolean unknownLoss) {
		this.liveMode = (cursor == null);
		this.replay = new Replay(cursor, unknownLoss);
	}

	/**
	 * Turn live: the replay has reached the newest event. Called under the sequencer's lock.
	 */
	void live() {
		this.liveMode = true;
	}

	/**
	 * Send what is queued, unless another thread is at it; that thread then sends it.
	 */
	void drain() {
		if (this.work.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			if (!step()) {
				this.work.set(0);
				retryLater();
				return;
			}
			missed = this.work.addAndGet(-missed);
		}
		while (missed != 0);
	}

	// returns false when a replay must wait for the channel to drain
	private boolean step() {
		if (this.closed) {
			clear();
			return true;
		}
		Replay replay = this.replay;
		if (replay != null) {
			if (!stream(replay)) {
				return false;
			}
			this.replay = null;
			if (this.closed) {
				clear();
				return true;
			}
			this.link.resume.replayEnded(this.link, replay.replayed, replay.complete(), replay.firstSeqStillHeld());
			this.link.sender.control(PscResumeCodec.resumed(replay.complete(), replay.firstSeqStillHeld()));
		}
		if (this.liveChars.get() + this.channel.queued() > this.channel.bufferLimit()) {
			this.closed = true;
			clear();
			this.link.slowPeer("live events queued past the send buffer");
			this.link.close(1013, "slow consumer");
			return true;
		}
		SequencedEvent event;
		while ((event = this.live.poll()) != null) {
			this.liveChars.addAndGet(-event.frame().length());
			this.link.sender.event(event.frame());
		}
		return true;
	}

	// sends batches until the replay is done (true) or the channel is half full (false)
	private boolean stream(Replay replay) {
		ReplayBuffer.Cursor cursor = replay.cursor;
		if (cursor == null) {
			return true;
		}
		long halfBuffer = this.channel.bufferLimit() / 2;
		List<String> batch = new ArrayList<>();
		while (!this.closed) {
			long queued = this.channel.queued();
			long room = Math.min(MAX_BATCH_CHARS, halfBuffer - queued);
			if (queued > 0 && room <= 0) {
				return false;
			}
			batch.clear();
			boolean done = this.sequencer.next(this, cursor, Math.max(room, 1), batch);
			long chars = 0;
			for (String frame : batch) {
				chars += frame.length();
			}
			this.batchChars = chars;
			for (String frame : batch) {
				replay.replayed++;
				this.link.sender.replayed(frame);
			}
			this.batchChars = 0;
			if (done) {
				return true;
			}
		}
		return true;
	}

	private void retryLater() {
		if (this.retryScheduled.compareAndSet(false, true)) {
			this.link.cluster.later(() -> {
				this.retryScheduled.set(false);
				drain();
			}, RETRY_MILLIS);
		}
	}

	/**
	 * Return whether a replay is still going out.
	 * @return whether replaying
	 */
	boolean replaying() {
		return this.replay != null;
	}

	/**
	 * Return the characters this outbox holds that the channel does not: the batch of a
	 * replay on its way, and live events not sent yet.
	 * @return the characters held
	 */
	long heldChars() {
		return this.batchChars + this.liveChars.get();
	}

	void close() {
		this.closed = true;
		clear();
	}

	private void clear() {
		SequencedEvent event;
		while ((event = this.live.poll()) != null) {
			this.liveChars.addAndGet(-event.frame().length());
		}
	}

	/** One replay in progress: its cursor, and how many events it sent. */
	private static final class Replay {

		private final ReplayBuffer.@Nullable Cursor cursor;

		private final boolean unknownLoss;

		// written by the draining thread only
		private long replayed;

		Replay(ReplayBuffer.@Nullable Cursor cursor, boolean unknownLoss) {
			this.cursor = cursor;
			this.unknownLoss = unknownLoss;
		}

		boolean complete() {
			ReplayBuffer.Cursor cursor = this.cursor;
			return cursor != null && !this.unknownLoss && cursor.lostUpTo() == 0;
		}

		// 0 when unknown: another epoch, or a topic whose publishes were not all numbered
		long firstSeqStillHeld() {
			ReplayBuffer.Cursor cursor = this.cursor;
			return (cursor == null || this.unknownLoss || cursor.lostUpTo() == 0) ? 0 : cursor.lostUpTo() + 1;
		}

	}

}
