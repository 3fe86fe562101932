package io.pubsubclub.cluster;

import org.jspecify.annotations.Nullable;

/**
 * What one {@link PeerLink} sends: frames queued on the link's {@link LinkChannel} and
 * counted in its {@link LinkTraffic}. Queuing never blocks (the channel is an
 * {@link io.pubsubclub.support.OutboundBuffer}), so the link sends with its lock held,
 * and that lock keeps its frames in order.
 * <p>
 * A frame the channel does not take (the link is not open yet, is closed, or was cut off
 * as too slow) is dropped and counted in {@code framesDropped}, never retried: the link is
 * closing, and PSC 1.2 replays what a consumer missed when it comes back. Events,
 * replayed events and 204s go out only while the link is ready; the handshake and the
 * topic frames are sent by the code that knows the state is right for them.
 *
 * @author PubSubClub
 */
final class LinkSender {

	private final PeerLink link;

	private volatile @Nullable LinkChannel channel;

	LinkSender(PeerLink link) {
		this.link = link;
	}

	// once, when the connection is open, with the link's lock held
	void open(LinkChannel channel) {
		this.channel = channel;
	}

	@Nullable LinkChannel channel() {
		return this.channel;
	}

	/**
	 * Queue a frame, whatever the link's state.
	 * @return whether the channel took it
	 */
	boolean send(String frame) {
		if (this.link.traffic.send(this.channel, frame)) {
			return true;
		}
		this.link.cluster.counters().framesDropped.increment();
		return false;
	}

	/**
	 * Queue a 301 built once for every consumer link.
	 */
	void event(String frame) {
		if (this.link.status == ClusterState.Status.READY && send(frame)) {
			this.link.cluster.counters().eventsForwarded.increment();
		}
	}

	void replayed(String frame) {
		if (this.link.status == ClusterState.Status.READY && send(frame)) {
			this.link.cluster.counters().eventsReplayed.increment();
		}
	}

	void control(String frame) {
		if (this.link.status == ClusterState.Status.READY) {
			send(frame);
		}
	}

	void close(int code, String reason) {
		LinkChannel channel = this.channel;
		if (channel != null) {
			channel.close(code, reason);
		}
	}

}
