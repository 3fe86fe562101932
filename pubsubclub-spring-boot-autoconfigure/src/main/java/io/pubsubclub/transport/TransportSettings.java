package io.pubsubclub.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

import io.pubsubclub.support.RateLimitedLog;

/**
 * Limits and timers shared by every connection of one endpoint, and the log of
 * connections failed for what their client sent: at most one INFO line each
 * {@link #FAILURE_LOG_INTERVAL}, the others at DEBUG, all counted.
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

	/** At most one INFO line about a failed connection per interval; the others at DEBUG. */
	static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(10);

	private final RateLimitedLog failureLog = RateLimitedLog.info(1, FAILURE_LOG_INTERVAL)
		.summary((unlogged, total) -> " (" + total + " connections failed so far; the others at DEBUG)")
		.build();

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
	 * Return the log of connections failed for what their client sent, which counts them.
	 * @return the log
	 */
	RateLimitedLog failureLog() {
		return this.failureLog;
	}

	long failures() {
		return this.failureLog.total();
	}

}
