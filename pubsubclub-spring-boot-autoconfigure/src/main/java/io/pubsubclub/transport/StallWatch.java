package io.pubsubclub.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Watches the connections whose socket stopped taking bytes and cuts off those that stay
 * stalled past the send-time limit, even when nothing more is sent to them. One periodic
 * sweep for all of them, rather than a timer per stall.
 *
 * @author PubSubClub
 */
final class StallWatch {

	private final Set<TomcatConnection> stalled = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService scheduler;

	private final long periodNanos;

	private @Nullable ScheduledFuture<?> sweep;

	StallWatch(ScheduledExecutorService scheduler, Duration sendTimeLimit) {
		this.scheduler = scheduler;
		this.periodNanos = Math.max(Math.min(sendTimeLimit.toNanos() / 4, TimeUnit.SECONDS.toNanos(1)),
				TimeUnit.MILLISECONDS.toNanos(10));
	}

	void watch(TomcatConnection connection) {
		this.stalled.add(connection);
		startSweeping();
	}

	private synchronized void startSweeping() {
		if (this.sweep == null) {
			this.sweep = this.scheduler.scheduleWithFixedDelay(this::sweep, this.periodNanos, this.periodNanos,
					TimeUnit.NANOSECONDS);
		}
	}

	private void sweep() {
		long now = System.nanoTime();
		this.stalled.removeIf((connection) -> !connection.checkStalled(now));
	}

	int watched() {
		return this.stalled.size();
	}

}
