package io.pubsubclub.transport;

import java.util.function.Consumer;

import io.pubsubclub.support.OutboundBuffer;

/**
 * The sending side of a {@link ClientConnection}: a frame is queued for its
 * {@link BlockingWriter} only within the connection's limits, and a server that falls
 * behind them is cut off.
 * <p>
 * <b>Bounds.</b> Queued data frames stay within the send-buffer size: a frame that would
 * pass it is refused and cuts the connection off with 1013 ("slow peer: buffer"), its
 * queued frames dropped for the close frame. A write blocked longer than the send-time
 * limit cuts it off too, found by the next send or by the connection's tick on
 * {@code ClientWatch} (the timer of every dialled connection), whichever comes first; the
 * socket is then closed at once, since no close frame can follow a write that does not
 * end. The cut is reported once, by the thread that made it, to the overflow callback.
 * Nothing here blocks or takes a lock but {@link ClientClosing}'s, to queue a frame.
 *
 * @author PubSubClub
 */
final class ClientSender {

	private final BlockingWriter writer;

	private final ClientClosing closing;

	private final long sendBufferSize;

	private final long sendTimeLimitNanos;

	private final Consumer<OutboundBuffer.Overflow> overflowed;

	ClientSender(BlockingWriter writer, ClientClosing closing, ClientSettings settings,
			Consumer<OutboundBuffer.Overflow> overflowed) {
		this.writer = writer;
		this.closing = closing;
		this.sendBufferSize = settings.sendBufferSize();
		this.sendTimeLimitNanos = settings.sendTimeLimit().toNanos();
		this.overflowed = overflowed;
	}

	/**
	 * Queue a frame within the limits.
	 * @return {@code false} if it was not queued: the connection is closing, or was just
	 * cut off for being too slow
	 */
	boolean send(byte[] frame) {
		long writing = this.writer.writingSince();
		if (writing != 0 && System.nanoTime() - writing > this.sendTimeLimitNanos) {
			overflow(OutboundBuffer.Overflow.SEND_TIME);
			return false;
		}
		if (this.writer.queuedBytes() + frame.length > this.sendBufferSize) {
			overflow(OutboundBuffer.Overflow.BUFFER);
			return false;
		}
		return this.closing.queue(frame);
	}

	/** On the timer: a write stalled past the limit, a closing handshake too long. */
	void tick() {
		long now = System.nanoTime();
		long writing = this.writer.writingSince();
		if (writing != 0 && now - writing >= this.sendTimeLimitNanos) {
			overflow(OutboundBuffer.Overflow.SEND_TIME);
		}
		this.closing.expire(now, this.sendTimeLimitNanos);
	}

	private void overflow(OutboundBuffer.Overflow reason) {
		if (this.closing.start(OutboundBuffer.SLOW_CONSUMER)) {
			// told once, by the thread that cut the connection off
			this.overflowed.accept(reason);
		}
		if (reason == OutboundBuffer.Overflow.SEND_TIME) {
			// the write in flight will not end: no close frame can follow it
			this.closing.closeSocket();
		}
	}

}
