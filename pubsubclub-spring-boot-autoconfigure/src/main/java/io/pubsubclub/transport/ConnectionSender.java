package io.pubsubclub.transport;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.web.socket.CloseStatus;

/**
 * The sending side of a {@link TomcatConnection}: the frames any thread sends, held to the
 * endpoint's limits, and handed to the connection's {@link FrameWriter}.
 * <p>
 * <b>Invariants.</b>
 * <ul>
 * <li>Data frames queue within the send-buffer size: a frame that would pass it cuts the
 * connection off as too slow (1013), as does a socket that took no byte for the send-time
 * limit, even when nothing more is sent to it ({@link StallWatch}).</li>
 * <li>A frame is queued before the close frame or refused: queuing and the close frame's
 * queuing exclude each other (this object's monitor, held for nothing else), and nothing is
 * queued after the close frame.</li>
 * <li>Sending never blocks: the frame is written now, or at the end of the calling thread's
 * {@link WriteBatch}, or when the socket takes bytes again.</li>
 * </ul>
 *
 * @author PubSubClub
 */
final class ConnectionSender {

	private static final byte[] SERVER_PING = TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_PING), new byte[0]);

	private final TomcatConnection connection;

	private final FrameWriter writer;

	private final AtomicBoolean closeQueued = new AtomicBoolean();

	private volatile @Nullable CloseStatus closeStatus;

	private volatile long stalledSince;

	ConnectionSender(TomcatConnection connection, FrameWriter writer) {
		this.connection = connection;
		this.writer = writer;
	}

	/**
	 * Queue a frame within the limits and write it, now or at the end of the current
	 * write batch.
	 * @return {@code false} if the frame was not queued; the connection is closing, or
	 * was just cut off for being too slow
	 */
	boolean send(byte[] frame) {
		TransportSettings settings = this.connection.settings();
		long stalled = this.stalledSince;
		if (stalled != 0 && System.nanoTime() - stalled > settings.sendTimeLimitNanos()) {
			this.connection.overflow(OutboundBuffer.Overflow.SEND_TIME);
			return false;
		}
		if (this.writer.queuedBytes() + frame.length > settings.sendBufferSize()) {
			this.connection.overflow(OutboundBuffer.Overflow.BUFFER);
			return false;
		}
		if (!enqueue(frame)) {
			return false;
		}
		if (!WriteBatch.defer(this.connection)) {
			this.writer.drain();
		}
		return true;
	}

	/**
	 * Answer a ping, unless the close frame is queued: the pong replaces an unanswered one.
	 */
	void pong(byte[] payload) {
		if (this.closeQueued.get()) {
			return;
		}
		this.writer.pong(payload);
		if (!WriteBatch.defer(this.connection)) {
			this.writer.drain();
		}
	}

	/**
	 * Ping a client that has been silent, as the idle timeout asks.
	 */
	void ping() {
		if (enqueue(SERVER_PING)) {
			this.writer.drain();
		}
	}

	private boolean enqueue(byte[] frame) {
		synchronized (this) {
			if (this.connection.isClosed() || this.closeQueued.get()) {
				return false;
			}
			this.writer.enqueue(frame);
		}
		return true;
	}

	/**
	 * Queue the close frame, unless one was queued already: behind every frame queued so
	 * far, or, for a connection cut off, instead of those not started.
	 * @return whether it was queued
	 */
	boolean queueClose(CloseStatus status, byte[] frame, boolean dropQueued) {
		synchronized (this) {
			if (this.connection.isClosed() || !this.closeQueued.compareAndSet(false, true)) {
				return false;
			}
			this.closeStatus = status;
			this.writer.enqueueClose(frame, dropQueued);
		}
		return true;
	}

	boolean isCloseQueued() {
		return this.closeQueued.get();
	}

	/**
	 * The status of the close frame queued, if one is.
	 */
	@Nullable CloseStatus closeStatus() {
		return this.closeStatus;
	}

	/**
	 * The socket took no more: the send-time limit runs from now.
	 */
	void stalled() {
		if (this.stalledSince == 0) {
			long now = System.nanoTime();
			this.stalledSince = (now != 0) ? now : 1;
			// a stalled socket with nothing more sent to it is still cut off in time
			this.connection.settings().stalls().watch(this.connection);
		}
	}

	/**
	 * Tomcat's write event: the socket took bytes, so a session that keeps up, however
	 * slowly, is not stalled.
	 */
	void writable() {
		this.stalledSince = 0;
		this.writer.writable();
	}

	/**
	 * Cut the connection off if its socket has not taken a byte for longer than the
	 * send-time limit.
	 * @return whether the connection is still stalled and open, to be watched further
	 */
	boolean checkStalled(long now) {
		long stalled = this.stalledSince;
		if (stalled == 0 || this.connection.isClosed()) {
			return false;
		}
		if (now - stalled >= this.connection.settings().sendTimeLimitNanos()) {
			this.connection.overflow(OutboundBuffer.Overflow.SEND_TIME);
			return false;
		}
		return true;
	}

}
