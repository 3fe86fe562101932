package io.pubsubclub.wamp.transport;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

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

}
