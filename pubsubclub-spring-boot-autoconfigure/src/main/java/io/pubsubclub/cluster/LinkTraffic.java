package io.pubsubclub.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What went over one {@link PeerLink}, for its state snapshot: frames and characters in
 * and out, and frames its channel refused. Lock-free; each counter is one
 * {@link AtomicLong}.
 *
 * @author PubSubClub
 */
final class LinkTraffic {

	final AtomicLong messagesIn = new AtomicLong();

	final AtomicLong bytesIn = new AtomicLong();

	final AtomicLong messagesOut = new AtomicLong();

	final AtomicLong bytesOut = new AtomicLong();

	final AtomicLong drops = new AtomicLong();

	void received(String frame) {
		this.messagesIn.incrementAndGet();
		this.bytesIn.addAndGet(frame.length());
	}

	/**
	 * Queue a frame on a channel, and count it.
	 * @return whether the channel took it
	 */
	boolean send(@org.jspecify.annotations.Nullable LinkChannel channel, String frame) {
		if (channel != null && channel.send(frame)) {
			this.messagesOut.incrementAndGet();
			this.bytesOut.addAndGet(frame.length());
			return true;
		}
		this.drops.incrementAndGet();
		return false;
	}

}
