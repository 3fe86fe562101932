package io.pubsubclub.cluster.transport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.pubsubclub.support.FrameSender;

/**
 * How many characters a link's {@link FrameSender} still holds, for a sender that counts
 * only the frames it has written ({@link FrameSender#framesSent()}): the running total
 * of characters handed to it is kept for each of the last {@value #CAPACITY} frames, so
 * the characters of the frames not yet written are the total now minus the total when
 * the last written one was handed over. Resume paces a replay by it
 * ({@code ResumeOutbox}); the sender's own limit still cuts a peer that falls behind.
 * <p>
 * Bounds: {@value #CAPACITY} totals (32 KB) per link. With more frames than that
 * waiting, the figure is extrapolated: the older frames are taken to be of the average
 * size of the last {@value #CAPACITY} - 1 (the sender's own limit, in bytes, stays the
 * hard bound that cuts a peer off). The sender also counts the pongs it
 * writes by itself: those seen while nothing of the link's waits are taken off; those
 * written while frames wait make the figure low by one frame each until the link is
 * next seen empty (one pong per ping interval of the dialling peer).
 * <p>
 * Concurrent senders may hand frames to the sender in another order than they are
 * counted here; the total stays exact, the split between two such frames may not.
 *
 * @author PubSubClub
 */
final class SentFrames {

	static final int CAPACITY = 4096;

	private static final int MASK = CAPACITY - 1;

	private final FrameSender sender;

	// totals[i & MASK]: characters handed over up to and including frame i (from 0)
	private final AtomicLongArray totals = new AtomicLongArray(CAPACITY);

	private final AtomicLong frames = new AtomicLong();

	private final AtomicLong chars = new AtomicLong();

	// frames the sender wrote that were not handed over here (pongs), as far as seen
	private final AtomicLong ownFrames = new AtomicLong();

	SentFrames(FrameSender sender) {
		this.sender = sender;
	}

	/**
	 * Hand a frame to the sender and count it.
	 * @param frame the frame text
	 * @return whether the sender took it
	 */
	boolean send(String frame) {
		// counted before it is handed over: the sender may write it before it returns, and
		// a frame written but not yet counted would pass for one of the sender's own. A
		// frame refused is left counted: the sender refuses only once the link is closing
		long index = this.frames.getAndIncrement();
		this.totals.set((int) (index & MASK), this.chars.addAndGet(frame.length()));
		return this.sender.send(frame);
	}

	/**
	 * Return the characters handed to the sender and not yet written.
	 * @return the waiting characters
	 */
	long queued() {
		long handed = this.frames.get();
		long own = this.ownFrames.get();
		long written = this.sender.framesSent() - own;
		if (written >= handed) {
			// nothing of ours waits: the surplus is the sender's own frames (once, should
			// two threads see it at the same time)
			this.ownFrames.compareAndSet(own, own + (written - handed));
			return 0;
		}
		long waiting = handed - written;
		long total = this.chars.get();
		if (waiting >= CAPACITY || written < 0) {
			// the last CAPACITY - 1 frames are known; the older ones waiting are taken to be
			// of their average size
			long known = Math.max(0, total - this.totals.get((int) ((handed - CAPACITY) & MASK)));
			return known / (CAPACITY - 1) * waiting + known % (CAPACITY - 1) * waiting / (CAPACITY - 1);
		}
		long writtenChars = (written == 0) ? 0 : this.totals.get((int) ((written - 1) & MASK));
		return Math.max(0, total - writtenChars);
	}

}
