package io.pubsubclub.transport;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.TextFrame;

/**
 * The frames waiting to go to one connection, and the writing of them without blocking.
 * <p>
 * <b>Invariants.</b>
 * <ul>
 * <li>Data frames queue within the send-buffer size (checked by the caller); control frames
 * are never queued without bound: at most one pong waits ({@link #pong}: a newer ping
 * replaces an unanswered one, RFC 6455 5.5.3) plus one being written, and the server's own
 * pings and the close frame come once per idle period and once per connection.</li>
 * <li>One thread writes at a time: whoever raises {@code drainRequests} from zero, the
 * others only ask. Every socket operation (write, flush, close) happens under the socket
 * wrapper's lock, the lock Tomcat holds while it dispatches the connection's events, so a
 * write never runs beside a read or the close that returns Tomcat's channel and buffers to
 * its pool (the class of bug of CVE-2022-25762). A writer never waits for that lock: when
 * Tomcat holds it, the write is handed to Tomcat's thread by a dispatched write event.</li>
 * <li>Nothing is written after the close frame.</li>
 * </ul>
 *
 * @author PubSubClub
 */
final class FrameWriter {

	/** What the writer tells its connection. */
	interface Events {

		/** The socket took no more: writes wait for Tomcat's write event. */
		void stalled();

		/** The close frame is written and flushed. */
		void closeWritten();

		/** The socket failed. */
		void failed(Throwable ex);

		/** Whether the connection is over: nothing more may touch the socket. */
		boolean isClosed();

	}

	private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicInteger drainRequests = new AtomicInteger();

	private final AtomicReference<byte @Nullable []> pong = new AtomicReference<>();

	private final AtomicBoolean handedOver = new AtomicBoolean();

	private final AtomicLong framesSent = new AtomicLong();

	private final Events events;

	private volatile @Nullable SocketWrapperBase<?> socket;

	// write interest registered: nothing is written until Tomcat's write event
	private volatile boolean awaitingWritable;

	// the close frame goes after the queued frames (or instead of them, for a slow peer)
	private volatile byte @Nullable [] closeFrame;

	private volatile boolean dropQueued;

	// only the thread that drains touches these
	private byte @Nullable [] pongInFlight;

	private boolean closeWritten;

	FrameWriter(Events events) {
		this.events = events;
	}

	void setSocket(SocketWrapperBase<?> socket) {
		this.socket = socket;
	}

	/**
	 * Queue a frame; the caller decides on the limits and whether the queue may still grow.
	 */
	void enqueue(byte[] frame) {
		this.queue.add(frame);
		this.queuedBytes.addAndGet(frame.length);
	}

	/**
	 * Queue the close frame behind every frame queued so far (or instead of them).
	 */
	void enqueueClose(byte[] frame, boolean dropQueued) {
		this.closeFrame = frame;
		this.dropQueued = dropQueued;
		enqueue(frame);
	}

	/**
	 * Answer a ping: its pong replaces an unanswered one, so at most one waits.
	 */
	void pong(byte[] payload) {
		this.pong.set(TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_PONG), payload));
	}

	long queuedBytes() {
		return this.queuedBytes.get();
	}

	long framesSent() {
		return this.framesSent.get();
	}

	boolean isAwaitingWritable() {
		return this.awaitingWritable;
	}

	/**
	 * Tomcat's write event, or a write handed over: Tomcat holds the socket's lock.
	 */
	void writable() {
		this.handedOver.set(false);
		this.awaitingWritable = false;
		drain();
	}

	/**
	 * Write what is queued, unless another thread is writing: then that thread goes on
	 * with it. Never blocks: what the socket does not take now waits for Tomcat's write
	 * event.
	 */
	void drain() {
		if (this.drainRequests.getAndIncrement() != 0) {
			return;
		}
		int requests = 1;
		do {
			write();
			requests = this.drainRequests.addAndGet(-requests);
		}
		while (requests != 0);
	}

	private void write() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null || this.events.isClosed() || this.awaitingWritable) {
			return;
		}
		ReentrantLock lock = socket.getLock();
		if (!lock.tryLock()) {
			// Tomcat's thread is in this connection's events: it writes, on a dispatched event
			if (this.handedOver.compareAndSet(false, true)) {
				socket.processSocket(SocketEvent.OPEN_WRITE, true);
			}
			return;
		}
		try {
			if (this.events.isClosed()) {
				return;
			}
			writeLocked(socket);
		}
		catch (Throwable ex) {
			this.events.failed(ex);
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
		}
		finally {
			lock.unlock();
		}
	}

	private void writeLocked(SocketWrapperBase<?> socket) throws Exception {
		if (this.dropQueued) {
			dropQueued();
		}
		while (true) {
			// what Tomcat holds goes first; frames written since fill its buffer, so that
			// frames queued together leave in as few writes as the buffer allows
			if (socket.hasDataToWrite() && socket.flush(false)) {
				this.awaitingWritable = true;
				socket.registerWriteInterest();
				this.events.stalled();
				return;
			}
			byte[] frame = nextFrame();
			if (frame == null) {
				break;
			}
			while (frame != null && socket.canWrite()) {
				socket.write(false, frame, 0, frame.length);
				written(frame);
				frame = nextFrame();
			}
		}
		if (this.closeWritten) {
			this.events.closeWritten();
		}
	}

	/**
	 * Return the next frame to write: a pong first, the close frame once the queue is
	 * empty (or at once when the queue was dropped), or {@code null} when nothing is left.
	 */
	private byte @Nullable [] nextFrame() {
		if (this.closeWritten) {
			return null;
		}
		if (this.pongInFlight == null) {
			this.pongInFlight = this.pong.getAndSet(null);
		}
		if (this.pongInFlight != null) {
			return this.pongInFlight;
		}
		if (this.dropQueued) {
			dropQueued();
		}
		return this.queue.peek();
	}

	private void written(byte[] frame) {
		if (frame == this.pongInFlight) {
			this.pongInFlight = null;
			return;
		}
		this.queue.poll();
		this.queuedBytes.addAndGet(-frame.length);
		if (frame == this.closeFrame) {
			this.closeWritten = true;
			return;
		}
		this.framesSent.incrementAndGet();
	}

	/**
	 * Drop the frames queued ahead of the close frame (the drainer only).
	 */
	private void dropQueued() {
		this.dropQueued = false;
		byte[] frame;
		while ((frame = this.queue.peek()) != null && frame != this.closeFrame) {
			this.queue.poll();
			this.queuedBytes.addAndGet(-frame.length);
		}
	}

	/**
	 * Drop everything: the connection is over.
	 */
	void discard() {
		this.pong.set(null);
		byte[] frame;
		while ((frame = this.queue.poll()) != null) {
			this.queuedBytes.addAndGet(-frame.length);
		}
	}

}
