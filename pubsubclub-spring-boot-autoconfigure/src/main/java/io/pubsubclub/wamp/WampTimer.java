package io.pubsubclub.wamp;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import org.jspecify.annotations.Nullable;

/**
 * The WAMP server's one timer thread ({@code wamp-timer}, a daemon), for call timeouts,
 * closes after a grace period and resuming slowed publishers: short tasks only, nothing
 * that blocks. Started on first use, so that a server nobody calls holds no thread;
 * cancelled tasks leave its queue at once. After {@link #shutdown()} a further use starts
 * a new one (a late task of a stopping application, which then ends with the JVM).
 *
 * @author PubSubClub
 */
final class WampTimer {

	private @Nullable ScheduledExecutorService executor;

	synchronized ScheduledExecutorService get() {
		ScheduledExecutorService executor = this.executor;
		if (executor == null) {
			ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "wamp-timer");
				thread.setDaemon(true);
				return thread;
			});
			timer.setRemoveOnCancelPolicy(true);
			executor = timer;
			this.executor = executor;
		}
		return executor;
	}

	void shutdown() {
		ScheduledExecutorService executor;
		synchronized (this) {
			executor = this.executor;
			this.executor = null;
		}
		if (executor != null) {
			executor.shutdownNow();
		}
	}

}
