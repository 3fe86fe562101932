package io.pubsubclub.cluster;

/**
 * A forwarded publish as PSC 1.2 sends it: its sequence number, topic and 301 frame,
 * encoded once and shared by the live path of every 1.2 link; the replay buffer keeps a
 * UTF-8 copy of the frame, made once.
 *
 * @param seq the sequence number
 * @param topic the topic
 * @param frame the whole 301 frame
 * @param nanos when it was sequenced, {@link System#nanoTime()}
 * @author PubSubClub
 */
record SequencedEvent(long seq, String topic, String frame, long nanos) {

	/** What an entry of the replay buffer costs beyond its frame's bytes (its metadata). */
	static final int OVERHEAD = 32;

}
