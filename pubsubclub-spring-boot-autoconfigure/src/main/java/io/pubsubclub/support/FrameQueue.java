package io.pubsubclub.support;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The frames of one {@link OutboundBuffer} waiting to be written, counted in characters
 * (a cheap stand-in for bytes), the time the frame in flight was taken, and what went
 * out. Takes no lock: a frame is counted before it is queued and uncounted by whichever
 * thread takes it off the queue (the writer, or {@link #discard()}), so the count never
 * goes below zero.
 *
 * @author PubSubClub
 */
final class FrameQueue {

	private final Queue<String> frames = new ConcurrentLinkedQueue<>();

	private final AtomicLong queued = new AtomicLong();

	private final AtomicLong framesSent = new AtomicLong();

	private final AtomicLong charsSent = new AtomicLong();

	// when the frame in flight was taken, 0 when none is
	private volatile long inFlightSince;

	/**
	 * Queue a frame unless the queued characters would exceed the limit.
	 * @return whether the frame was queued
	 */
	boolean add(String frame, long limit) {
		if (this.queued.addAndGet(frame.length()) > limit) {
			this.queued.addAndGet(-frame.length());
			return false;
		}
		this.frames.add(frame);
		return true;
	}

	/**
	 * Take the next frame off the queue, as the one in flight; the caller is the one
	 * writer.
	 */
	@Nullable String take() {
		String frame = this.frames.poll();
		if (frame != null) {
			this.queued.addAndGet(-frame.length());
			this.inFlightSince = System.nanoTime();
		}
		return frame;
	}

	/**
	 * Drop the queued frames.
	 */
	void discard() {
		String frame;
		while ((frame = this.frames.poll()) != null) {
			this.queued.addAndGet(-frame.length());
		}
	}

	boolean isEmpty() {
		return this.frames.isEmpty();
	}

	/** Whether the frame in flight was taken longer ago than the limit. */
	boolean stuck(long limitNanos) {
		long since = this.inFlightSince;
		return since != 0 && System.nanoTime() - since > limitNanos;
	}

	void inFlight(boolean inFlight) {
		this.inFlightSince = inFlight ? System.nanoTime() : 0;
	}

	void sent(String frame) {
		this.framesSent.incrementAndGet();
		this.charsSent.addAndGet(frame.length());
	}

	long queued() {
		return this.queued.get();
	}

	int queuedFrames() {
		return this.frames.size();
	}

	long framesSent() {
		return this.framesSent.get();
	}

	long charsSent() {
		return this.charsSent.get();
	}

}
