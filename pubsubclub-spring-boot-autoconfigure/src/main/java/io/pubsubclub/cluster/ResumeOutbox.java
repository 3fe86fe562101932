package io.pubsubclub.cluster;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What a producer sends on one PSC 1.2 link, in sequence order: the replay a 203 asked
 * for, then its 204, then the live 301s the {@link Sequencer} queued meanwhile and
 * after. Events are queued under the sequencer's lock (no call-out); one thread at a time
 * drains the queue into the link's channel, never under a lock, so concurrent
 * publishers cannot reorder a link's sequence numbers.
 * <p>
 * A replay goes out no faster than the channel takes it: it pauses while the channel's
 * buffer is half full and goes on shortly after. Live events that queue up behind a
 * replay are bounded by the channel's buffer size; past it the link is cut off as too
 * slow, as a live link would be.
 *
 * @author PubSubClub
 */
final class ResumeOutbox {

	private static final long RETRY_MILLIS = 5;

	private final PeerLink link;

	private final LinkChannel channel;

	private final Queue<SequencedEvent> live = new ConcurrentLinkedQueue<>();

	private final AtomicLong liveChars = new AtomicLong();

	private final AtomicInteger work = new AtomicInteger();

	private final AtomicBoolean retryScheduled = new AtomicBoolean();

	private volatile @Nullable List<SequencedEvent> replay;

	private volatile String resumedFrame = "";

	// written by the draining thread only
	private int replayed;

	private volatile boolean closed;

	ResumeOutbox(PeerLink link, LinkChannel channel) {
		this.link = link;
		this.channel = channel;
	}

	/**
	 * Queue a live event. Called under the sequencer's lock: does no more than queue.
	 */
	void offer(SequencedEvent event) {
		if (!this.closed) {
			this.live.add(event);
			this.liveChars.addAndGet(event.frame().length());
		}
	}

	/**
	 * Set the replay that goes out before any live event. Called under the sequencer's
	 * lock, before the link holds any topic.
	 */
	void replay(ReplayBuffer.Replay replay) {
		this.resumedFrame = PscResumeCodec.resumed(replay.complete(), replay.firstSeqStillHeld());
		this.replayed = 0;
		this.replay = replay.events();
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
			this.live.clear();
			return true;
		}
		List<SequencedEvent> replay = this.replay;
		if (replay != null) {
			long highWater = this.channel.bufferLimit() / 2;
			while (this.replayed < replay.size()) {
				String frame = replay.get(this.replayed).frame();
				long queued = this.channel.queued();
				if (queued > 0 && queued + frame.length() > highWater) {
					return false;
				}
				this.replayed++;
				this.link.sendReplayed(frame);
			}
			this.replay = null;
			this.link.sendControl(this.resumedFrame);
		}
		if (this.liveChars.get() > this.channel.bufferLimit()) {
			this.closed = true;
			this.live.clear();
			this.link.slowPeer("live events queued behind a replay over the send buffer");
			this.link.close(1013, "slow consumer: replay");
			return true;
		}
		SequencedEvent event;
		while ((event = this.live.poll()) != null) {
			this.liveChars.addAndGet(-event.frame().length());
			this.link.sendEvent(event.frame());
		}
		return true;
	}

	private void retryLater() {
		if (this.retryScheduled.compareAndSet(false, true)) {
			this.link.later(() -> {
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

	long heldChars() {
		long held = this.liveChars.get();
		List<SequencedEvent> replay = this.replay;
		if (replay != null) {
			for (int i = this.replayed; i < replay.size(); i++) {
				held += replay.get(i).frame().length();
			}
		}
		return held;
	}

	void close() {
		this.closed = true;
		this.live.clear();
	}

}
