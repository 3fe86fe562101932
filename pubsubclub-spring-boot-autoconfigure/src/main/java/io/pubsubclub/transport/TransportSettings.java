package io.pubsubclub.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Limits and timers shared by every connection of one endpoint.
 *
 * @author PubSubClub
 */
final class TransportSettings {

	private final int maxMessageBytes;

	private final long sendBufferSize;

	private final long sendTimeLimitNanos;

	private final Duration closeTimeout;

	private final ScheduledExecutorService scheduler;

	private final StallWatch stalls;

	private final IdleWatch idleWatch;

	// connections failed for what their client sent, and when one was last logged
	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong lastFailureLog = new AtomicLong(System.nanoTime() - FAILURE_LOG_INTERVAL_NANOS);

	/** At most one INFO line about a failed connection per interval; the others at DEBUG. */
	static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

	TransportSettings(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit, Duration closeTimeout,
			ScheduledExecutorService scheduler) {
		this(maxMessageBytes, sendBufferSize, sendTimeLimit, closeTimeout, Duration.ZERO, scheduler);
	}

	TransportSettings(int maxMessageBytes, long sendBufferSize, Duration sendTimeLimit, Duration closeTimeout,
			Duration idleTimeout, ScheduledExecutorService scheduler) {
		this.maxMessageBytes = maxMessageBytes;
		this.sendBufferSize = sendBufferSize;
		this.sendTimeLimitNanos = sendTimeLimit.toNanos();
		this.closeTimeout = closeTimeout;
		this.scheduler = scheduler;
		this.stalls = new StallWatch(scheduler, sendTimeLimit);
		this.idleWatch = new IdleWatch(scheduler, idleTimeout);
	}

	int maxMessageBytes() {
		return this.maxMessageBytes;
	}

	long sendBufferSize() {
		return this.sendBufferSize;
	}

	long sendTimeLimitNanos() {
		return this.sendTimeLimitNanos;
	}

	Duration closeTimeout() {
		return this.closeTimeout;
	}

	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	StallWatch stalls() {
		return this.stalls;
	}

	IdleWatch idleWatch() {
		return this.idleWatch;
	}

	/**
	 * Count a connection failed for what its client sent.
	 * @return the number of failures since the last one logged at INFO, if this one is to
	 * be, else 0
	 */
	long failed() {
		long count = this.failures.incrementAndGet();
		long now = System.nanoTime();
		long last = this.lastFailureLog.get();
		if (now - last >= FAILURE_LOG_INTERVAL_NANOS && this.lastFailureLog.compareAndSet(last, now)) {
			return count;
		}
		return 0;
	}

	long failures() {
		return this.failures.get();
	}

}
