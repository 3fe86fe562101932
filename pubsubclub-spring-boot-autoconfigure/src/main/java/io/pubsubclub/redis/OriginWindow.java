package io.pubsubclub.redis;

/**
 * Which sequence numbers of one publishing node (one start of its backplane) a topic
 * has delivered: the highest, and which of the {@link #SIZE} below it, so that a
 * publish sent to Redis twice (Lettuce resends the commands a connection drop left
 * without a reply, and the backplane resends the one whose reply the drop failed) is
 * delivered once even when the copy comes after later publishes. A number more than
 * {@link #SIZE} below the highest counts as seen. Not thread-safe: used under its
 * {@link TopicReceiver}'s lock.
 *
 * @author PubSubClub
 */
final class OriginWindow {

	/** How many sequence numbers below the highest are remembered one by one. */
	static final int SIZE = 1024;

	private final long[] seen = new long[SIZE / 64];

	private long highest;

	OriginWindow(long first) {
		this.highest = first;
		mark(first);
	}

	/**
	 * Record a sequence number.
	 * @return whether it was not seen before
	 */
	boolean accept(long seq) {
		if (seq > this.highest) {
			long ahead = seq - this.highest;
			if (ahead >= SIZE) {
				java.util.Arrays.fill(this.seen, 0L);
			}
			else {
				for (long s = this.highest + 1; s < seq; s++) {
					clear(s);
				}
			}
			this.highest = seq;
			mark(seq);
			return true;
		}
		if (this.highest - seq >= SIZE || isMarked(seq)) {
			return false;
		}
		mark(seq);
		return true;
	}

	private void mark(long seq) {
		int slot = (int) Math.floorMod(seq, (long) SIZE);
		this.seen[slot >>> 6] |= 1L << (slot & 63);
	}

	private void clear(long seq) {
		int slot = (int) Math.floorMod(seq, (long) SIZE);
		this.seen[slot >>> 6] &= ~(1L << (slot & 63));
	}

	private boolean isMarked(long seq) {
		int slot = (int) Math.floorMod(seq, (long) SIZE);
		return (this.seen[slot >>> 6] & (1L << (slot & 63))) != 0;
	}

}
