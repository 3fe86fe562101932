package io.pubsubclub.transport;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * The writing thread of a {@link ClientConnection}: takes the frames queued by any thread
 * and writes them to the blocking socket, those queued together in one write of up to
 * {@value #BUFFER_SIZE} bytes, so that senders never wait on the socket.
 * <p>
 * <b>Bounds.</b> Queued data frames stay within the send-buffer size (checked by the
 * connection before it queues); beyond them at most one pong waits (a newer ping's
 * replaces it), one write is in flight (this writer's buffer or one frame larger than it),
 * and the control frames the connection queues itself (its pings, once per ping interval,
 * and one close frame). Nothing is written after the close frame. A write that blocks is
 * timed ({@link #writingSince()}) for the connection's send-time limit, which closes the
 * socket under it.
 *
 * @author PubSubClub
 */
final class BlockingWriter implements Runnable {

	static final int BUFFER_SIZE = 16 * 1024;

	/** What the writer tells its connection. */
	interface Events {

		/** The close frame is written: the writer has ended. */
		void closeWritten();

		/** A write failed: the writer has ended. */
		void writeFailed(IOException ex);

	}

	private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicReference<byte @Nullable []> pong = new AtomicReference<>();

	private final AtomicBoolean parked = new AtomicBoolean();

	private final AtomicLong framesSent = new AtomicLong();

	private final OutputStream out;

	private final Events events;

	private volatile @Nullable Thread thread;

	private volatile long writingSince;

	private volatile byte @Nullable [] closeFrame;

	private volatile boolean dropQueued;

	private volatile boolean stopped;

	// the writing thread's only
	private final byte[] buffer = new byte[BUFFER_SIZE];

	private int position;

	private int bufferedDataFrames;

	BlockingWriter(OutputStream out, Events events) {
		this.out = out;
		this.events = events;
	}

	void start(Thread thread) {
		this.thread = thread;
		thread.start();
	}

	/**
	 * Queue a frame; the caller decides on the limits and whether the queue may still grow.
	 */
	void enqueue(byte[] frame) {
		this.queue.add(frame);
		this.queuedBytes.addAndGet(frame.length);
		wake();
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
	void pong(byte[] frame) {
		this.pong.set(frame);
		wake();
	}

	/**
	 * The connection is over: drop what waits and end.
	 */
	void stop() {
		this.stopped = true;
		this.pong.set(null);
		byte[] frame;
		while ((frame = this.queue.poll()) != null) {
			this.queuedBytes.addAndGet(-frame.length);
		}
		Thread thread = this.thread;
		if (thread != null) {
			LockSupport.unpark(thread);
		}
	}

	long queuedBytes() {
		return this.queuedBytes.get();
	}

	long framesSent() {
		return this.framesSent.get();
	}

	/**
	 * Return when the write in flight began ({@link System#nanoTime()}), 0 when none is.
	 */
	long writingSince() {
		return this.writingSince;
	}

	private void wake() {
		if (this.parked.compareAndSet(true, false)) {
			Thread thread = this.thread;
			if (thread != null) {
				LockSupport.unpark(thread);
			}
		}
	}

	@Override
	public void run() {
		try {
			while (!this.stopped) {
				byte[] frame = next();
				if (frame == null) {
					flush();
					this.parked.set(true);
					if (this.queue.isEmpty() && this.pong.get() == null && !this.stopped) {
						LockSupport.park(this);
					}
					this.parked.set(false);
				}
				else if (frame == this.closeFrame) {
					append(frame);
					flush();
					this.events.closeWritten();
					return;
				}
				else {
					append(frame);
				}
			}
		}
		catch (IOException ex) {
			if (!this.stopped) {
				this.events.writeFailed(ex);
			}
		}
		finally {
			this.writingSince = 0;
		}
	}

	private byte @Nullable [] next() {
		byte[] pong = this.pong.getAndSet(null);
		if (pong != null) {
			return pong;
		}
		if (this.dropQueued) {
			this.dropQueued = false;
			byte[] frame;
			while ((frame = this.queue.peek()) != null && frame != this.closeFrame) {
				this.queue.poll();
				this.queuedBytes.addAndGet(-frame.length);
			}
		}
		byte[] frame = this.queue.poll();
		if (frame != null) {
			this.queuedBytes.addAndGet(-frame.length);
		}
		return frame;
	}

	private void append(byte[] frame) throws IOException {
		boolean data = (frame[0] & 0x08) == 0;
		if (frame.length > this.buffer.length - this.position) {
			flush();
		}
		if (frame.length >= this.buffer.length) {
			write(frame, frame.length);
			if (data) {
				this.framesSent.incrementAndGet();
			}
			return;
		}
		System.arraycopy(frame, 0, this.buffer, this.position, frame.length);
		this.position += frame.length;
		if (data) {
			this.bufferedDataFrames++;
		}
	}

	private void flush() throws IOException {
		if (this.position == 0) {
			return;
		}
		write(this.buffer, this.position);
		this.position = 0;
		this.framesSent.addAndGet(this.bufferedDataFrames);
		this.bufferedDataFrames = 0;
	}

	private void write(byte[] bytes, int length) throws IOException {
		long now = System.nanoTime();
		this.writingSince = (now != 0) ? now : 1;
		this.out.write(bytes, 0, length);
		this.out.flush();
		this.writingSince = 0;
	}

}
