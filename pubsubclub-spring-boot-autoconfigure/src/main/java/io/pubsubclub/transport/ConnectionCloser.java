package io.pubsubclub.transport;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.Nio2Channel;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.web.socket.CloseStatus;

/**
 * The closing of a {@link TomcatConnection}: the closing handshake, failing the
 * connection, a slow consumer's cut with its grace, and the one close of the socket.
 * <p>
 * <b>Invariants.</b> One close frame per connection, queued once ({@link ConnectionSender});
 * the socket is closed once, under the socket wrapper's lock (never beside a read or a
 * write), and the handler hears of the close once
 * ({@link TomcatConnection#afterClosed}), from whichever thread closes first.
 * <ul>
 * <li>A closing handshake (the handler closes the session, or the peer does) queues the
 * close frame behind what is queued; the socket is closed when both close frames have
 * crossed, or at the end of the close timeout.</li>
 * <li>A connection failed for what the peer sent (1002, 1007, 1009) or silent for the idle
 * timeout is closed as soon as its close frame is written.</li>
 * <li>A connection cut off as too slow (1013) drops the frames queued that have not
 * started: the frame partly written is finished (what Tomcat holds goes out first), so the
 * stream stays whole, and the close frame alone follows it. The peer has the close timeout
 * (the grace: 3 s for WAMP sessions, the send-time limit for cluster links) from the cut to
 * take it: a peer that reads again in that time reads on to the close frame 1013 and its
 * reason. When the grace ends with the close frame still not written, the connection is
 * aborted: the socket is reset (SO_LINGER 0), so that the kernel drops what it still holds
 * for a peer that does not read, instead of keeping it for the peer.</li>
 * </ul>
 * No thread waits for any of it: the grace is a task on the endpoint's timer, which only
 * closes (with {@code tryLock}; when Tomcat's thread holds the lock, a dispatched event has
 * Tomcat's thread close the socket).
 *
 * @author PubSubClub
 */
final class ConnectionCloser {

	private static final Log logger = LogFactory.getLog(TomcatConnection.class);

	private final TomcatConnection connection;

	private final ConnectionSender sender;

	private final FrameWriter writer;

	// closing: our close frame queued (the sender's flag); then the peer's seen; then the
	// socket closed
	private volatile boolean closeReceived;

	private final AtomicBoolean closed = new AtomicBoolean();

	// the peer broke the protocol, or was silent: no answer to our close frame is waited for
	private volatile boolean failing;

	// our close frame left for the kernel
	private volatile boolean closeWritten;

	// the socket is to be reset, not closed: the grace ended before the close frame left
	private volatile boolean abort;

	ConnectionCloser(TomcatConnection connection, ConnectionSender sender, FrameWriter writer) {
		this.connection = connection;
		this.sender = sender;
		this.writer = writer;
	}

	/**
	 * Start the closing handshake: the close frame goes out after what is queued (for a
	 * slow consumer, instead of what has not started), then the socket is closed as the
	 * class describes.
	 * @return whether this call started it
	 */
	boolean close(CloseStatus status) {
		// a peer that does not read gets no more of what it could not take
		return queueClose(status, CloseFrames.payload(status),
				status.getCode() == OutboundBuffer.SLOW_CONSUMER.getCode());
	}

	/**
	 * The peer's close frame: answer it (unless ours is out already); the socket goes when
	 * both have crossed.
	 */
	void closeReceived(int code, String reason) {
		this.closeReceived = true;
		if (!this.sender.isCloseQueued()) {
			CloseStatus status = CloseFrames.received(code, reason);
			queueClose(status, CloseFrames.answer(status), false);
		}
		this.writer.drain();
	}

	/**
	 * Fail the connection (RFC 6455 7.1.7), or close one silent for the idle timeout: the
	 * close frame goes out and the socket is closed without waiting for an answer.
	 */
	void fail(CloseStatus status) {
		this.failing = true;
		close(status);
	}

	/**
	 * Cut the connection off as too slow (1013).
	 */
	void overflow(OutboundBuffer.Overflow reason) {
		if (close(OutboundBuffer.SLOW_CONSUMER)) {
			// told once, by the thread that cut the session off
			this.connection.session().overflow(reason);
		}
	}

	private boolean queueClose(CloseStatus status, byte[] payload, boolean cut) {
		byte[] frame = TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_CLOSE), payload);
		if (!this.sender.queueClose(status, frame, cut)) {
			return false;
		}
		TransportSettings settings = this.connection.settings();
		// the grace: a peer that never answers, or never reads, is not waited for longer
		settings.scheduler()
			.schedule(() -> graceEnded(status), settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		// nothing is answered any more: a read stopped for stalled writes goes on
		this.connection.readOnWhileClosing();
		this.writer.drain();
		return true;
	}

	private void graceEnded(CloseStatus status) {
		if (!this.closed.get() && !this.closeWritten) {
			// what the peer did not take is dropped, by the kernel too
			this.abort = true;
		}
		closed(status, null);
	}

	/**
	 * Our close frame is written and flushed: close now if the peer's came, or if no
	 * answer is waited for.
	 */
	void closeWritten() {
		this.closeWritten = true;
		if (this.closeReceived || this.failing) {
			CloseStatus status = this.sender.closeStatus();
			closed((status != null) ? status : CloseStatus.NORMAL, null);
		}
	}

	boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * The connection is over: close the socket, drop what is queued, end the connection
	 * once.
	 */
	void closed(CloseStatus status, @Nullable Throwable cause) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		CloseStatus handshake = this.sender.closeStatus();
		closeSocket();
		this.writer.discard();
		this.connection.afterClosed((handshake != null) ? handshake : status, cause);
	}

	/**
	 * Tomcat closes the socket when told {@code CLOSED}: reset it first if it is aborted
	 * (the calling thread, Tomcat's, holds the socket wrapper's lock).
	 */
	SocketState closing(SocketState state, SocketWrapperBase<?> socket) {
		if (state == SocketState.CLOSED && this.abort) {
			resetOnClose(socket);
		}
		return state;
	}

	/**
	 * Close the socket under its lock, so never beside a read or a write; when Tomcat's
	 * thread holds the lock, a dispatched event makes it close the socket itself.
	 */
	private void closeSocket() {
		SocketWrapperBase<?> socket = this.connection.socketIfSet();
		if (socket == null) {
			return;
		}
		ReentrantLock lock = socket.getLock();
		if (lock.tryLock()) {
			try {
				if (this.abort) {
					resetOnClose(socket);
				}
				socket.close();
			}
			finally {
				lock.unlock();
			}
		}
		else {
			// Tomcat's thread is in this connection's events: it sees the connection closed
			// and returns CLOSED, and Tomcat closes the socket
			socket.processSocket(SocketEvent.OPEN_READ, true);
		}
	}

	/**
	 * Make the socket's close a reset (SO_LINGER 0); the caller holds the socket wrapper's
	 * lock, so the channel is still this connection's.
	 */
	private static void resetOnClose(SocketWrapperBase<?> socket) {
		Object channel = socket.getSocket();
		NetworkChannel network = (channel instanceof NioChannel nio) ? nio.getIOChannel()
				: (channel instanceof Nio2Channel nio2) ? nio2.getIOChannel() : null;
		if (network == null || !network.isOpen()) {
			return;
		}
		try {
			network.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not reset a WebSocket connection on close", ex);
		}
	}

}
