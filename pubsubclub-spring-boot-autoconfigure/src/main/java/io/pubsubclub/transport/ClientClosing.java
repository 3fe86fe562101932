package io.pubsubclub.transport;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.OutboundBuffer;
import org.springframework.web.socket.CloseStatus;

/**
 * The closing handshake of a {@link ClientConnection} and the end of its socket: which
 * frames may still be queued, when the socket is closed, and which status the handler is
 * told at the end. The reading and the writing are the connection's and its
 * {@link BlockingWriter}'s; this class only decides.
 * <p>
 * <b>Invariants.</b> At most one close frame is queued: the first {@link #start} wins, on
 * any thread. No data frame is queued after it, nor after the connection {@linkplain #end
 * ended}: both are checked under this object's monitor, which is held only to queue a
 * frame and never while anything else is called. The socket is closed once our close
 * frame is written and the server's received (or the server broke the protocol: then no
 * answer is waited for), once the closing handshake has outlasted the send-time limit
 * ({@link #expire}), or at the end, whichever comes first; closing it never blocks (the
 * TCP socket under a TLS one is closed, not the {@code SSLSocket}, whose close would wait
 * to write its close_notify behind a write that may be blocked) and may happen any number
 * of times.
 *
 * @author PubSubClub
 */
final class ClientClosing {

	private final BlockingWriter writer;

	private final Socket tcp;

	// our close frame queued (then written), the peer's seen, the socket closed
	private volatile boolean sent;

	private volatile long sentAt;

	private volatile boolean written;

	private volatile boolean received;

	private volatile @Nullable CloseStatus status;

	// the peer broke the protocol: no answer to our close frame is waited for
	private volatile boolean failing;

	private volatile boolean socketClosed;

	private final AtomicBoolean ended = new AtomicBoolean();

	ClientClosing(BlockingWriter writer, Socket tcp) {
		this.writer = writer;
		this.tcp = tcp;
	}

	/**
	 * Queue a data frame unless the connection is closing or over.
	 * @return whether it was queued
	 */
	boolean queue(byte[] frame) {
		synchronized (this) {
			if (this.ended.get() || this.sent) {
				return false;
			}
			this.writer.enqueue(frame);
		}
		return true;
	}

	/**
	 * Start the closing handshake: the close frame goes out after what is queued (instead
	 * of it, for 1013, a slow consumer's cut).
	 * @return whether this call started it
	 */
	boolean start(CloseStatus status) {
		return start(status, payload(status), status.getCode() == OutboundBuffer.SLOW_CONSUMER.getCode());
	}

	private boolean start(CloseStatus status, byte[] payload, boolean dropQueued) {
		byte[] frame = MaskedFrame.encode((byte) (0x80 | FrameReader.OPCODE_CLOSE), payload);
		synchronized (this) {
			if (this.ended.get() || this.sent) {
				return false;
			}
			this.sent = true;
			this.status = status;
			long now = System.nanoTime();
			this.sentAt = (now != 0) ? now : 1;
			this.writer.enqueueClose(frame, dropQueued);
		}
		return true;
	}

	/** Whether our close frame is queued: nothing else is sent or handed on. */
	boolean started() {
		return this.sent;
	}

	/**
	 * The server's close frame: answered with its code if we had not begun (echoing no
	 * code for a close without one), and the socket closed once our frame is written.
	 */
	void received(int code, String reason) {
		this.received = true;
		if (!this.sent) {
			CloseStatus status = CloseFrames.received(code, reason);
			start(status, CloseFrames.answer(status), false);
		}
		if (this.written) {
			closeSocket();
		}
	}

	/** The server broke the protocol: the socket goes as soon as our close frame is written. */
	void failing() {
		this.failing = true;
	}

	/** Our close frame is written (on the writer). */
	void written() {
		this.written = true;
		if (this.received || this.failing) {
			closeSocket();
		}
	}

	/** On the timer: a closing handshake longer than the limit closes the socket. */
	void expire(long now, long limitNanos) {
		long sentAt = this.sentAt;
		if (sentAt != 0 && now - sentAt >= limitNanos) {
			closeSocket();
		}
	}

	/**
	 * The connection is over: nothing is queued from now on.
	 * @return whether this call ended it (true once)
	 */
	boolean end() {
		return this.ended.compareAndSet(false, true);
	}

	/** Whether the connection is neither closing nor over. */
	boolean isOpen() {
		return !this.ended.get() && !this.sent;
	}

	/** What the handler is told at the end: the status we closed with, else 1006. */
	CloseStatus reported() {
		CloseStatus status = this.status;
		return (status != null) ? status : CloseStatus.NO_CLOSE_FRAME;
	}

	/** Whether this side closed the socket (then the reader's exception is not a failure). */
	boolean socketClosed() {
		return this.socketClosed;
	}

	void closeSocket() {
		this.socketClosed = true;
		closeQuietly(this.tcp);
	}

	static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// closed either way
		}
	}

	/**
	 * A close frame's payload: the code and the reason, cut to fit 125 bytes between two
	 * characters (the reason must be valid UTF-8: a server fails a close frame whose
	 * reason is not with 1007 instead of taking its code).
	 */
	static byte[] payload(CloseStatus status) {
		return CloseFrames.payload(status);
	}

}
