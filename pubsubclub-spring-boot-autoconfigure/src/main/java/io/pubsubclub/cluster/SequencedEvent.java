package io.pubsubclub.cluster;

/**
 * A forwarded publish as PSC 1.2 sends it: its sequence number, topic and 301 frame,
 * encoded once and shared by the live path of every 1.2 link and the replay buffer.
 *
 * @param seq the sequence number
 * @param topic the topic
 * @param frame the whole 301 frame
 * @param nanos when it was sequenced, {@link System#nanoTime()}
 * @author PubSubClub
 */
record SequencedEvent(long seq, String topic, String frame, long nanos) {

	/** Rough heap cost of an entry beyond its frame's characters. */
	static final int OVERHEAD = 64;

	long size() {
		// a frame is mostly Latin-1, one byte per character in a compact string
		return this.frame.length() + OVERHEAD;
	}

}
