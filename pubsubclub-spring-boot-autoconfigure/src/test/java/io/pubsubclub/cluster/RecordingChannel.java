package io.pubsubclub.cluster;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A link's channel that records the frames sent and the first close; it can be made to
 * hold a limited number of characters ({@link #limit}), past which a send fails as a
 * full buffer does.
 */
final class RecordingChannel implements LinkChannel {

	final List<String> frames = new CopyOnWriteArrayList<>();

	final AtomicLong queued = new AtomicLong();

	volatile long limit = Long.MAX_VALUE;

	volatile Integer closeCode;

	volatile String closeReason;

	@Override
	public boolean send(String frame) {
		if (this.closeCode != null || this.queued.get() + frame.length() > this.limit) {
			return false;
		}
		if (this.limit != Long.MAX_VALUE) {
			this.queued.addAndGet(frame.length());
		}
		this.frames.add(frame);
		return true;
	}

	@Override
	public void close(int code, String reason) {
		if (this.closeCode == null) {
			this.closeCode = code;
			this.closeReason = reason;
		}
	}

	@Override
	public long queued() {
		return this.queued.get();
	}

	@Override
	public long bufferLimit() {
		return this.limit;
	}

}
