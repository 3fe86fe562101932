package io.pubsubclub.redis;

/**
 * The id of an entry in a Redis stream, "milliseconds-sequence", ordered as Redis orders
 * them.
 *
 * @param millis the milliseconds part
 * @param seq the sequence part
 * @author PubSubClub
 */
record StreamId(long millis, long seq) implements Comparable<StreamId> {

	/** Before every entry: the start of a topic whose stream was empty. */
	static final StreamId ZERO = new StreamId(0, 0);

	static StreamId parse(String id) {
		int dash = id.indexOf('-');
		if (dash <= 0 || dash == id.length() - 1) {
			throw new IllegalArgumentException("Not a stream id: " + id);
		}
		long millis = Long.parseUnsignedLong(id, 0, dash, 10);
		long seq = Long.parseUnsignedLong(id, dash + 1, id.length(), 10);
		return new StreamId(millis, seq);
	}

	/**
	 * Return the smallest id after this one, where a range read that excludes this one
	 * starts.
	 */
	StreamId next() {
		return (this.seq == -1L) ? new StreamId(this.millis + 1, 0) : new StreamId(this.millis, this.seq + 1);
	}

	@Override
	public int compareTo(StreamId other) {
		int byMillis = Long.compareUnsigned(this.millis, other.millis);
		return (byMillis != 0) ? byMillis : Long.compareUnsigned(this.seq, other.seq);
	}

	@Override
	public String toString() {
		return Long.toUnsignedString(this.millis) + "-" + Long.toUnsignedString(this.seq);
	}

}
