package io.pubsubclub.transport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Closes the connections from which nothing arrives for the idle timeout: one periodic
 * sweep over the open connections (a set entry each, no timer per connection) pings a
 * client silent for half the timeout, which a live client answers, and closes one silent
 * for all of it with 1001. A zero timeout watches nothing.
 *
 * @author PubSubClub
 */
final class IdleWatch {

	private final Set<TomcatConnection> connections = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService scheduler;

	private final long timeoutNanos;

	private final long periodNanos;

	private @Nullable ScheduledFuture<?> sweep;

	IdleWatch(ScheduledExecutorService scheduler, Duration timeout) {
		this.scheduler = scheduler;
		this.timeoutNanos = timeout.toNanos();
		this.periodNanos = Math.max(Math.min(this.timeoutNanos / 8, TimeUnit.SECONDS.toNanos(5)),
				TimeUnit.MILLISECONDS.toNanos(50));
	}

	void watch(TomcatConnection connection) {
		if (this.timeoutNanos <= 0) {
			return;
		}
		this.connections.add(connection);
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
		this.connections.removeIf((connection) -> !connection.checkIdle(now, this.timeoutNanos));
	}

	int watched() {
		return this.connections.size();
	}

}
