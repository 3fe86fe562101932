package io.pubsubclub.redis;

import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;

/**
 * Logs at WARN at most {@link #PER_WINDOW} lines a minute, so that a flood (a Redis that
 * stays down while publishes go on, or another application writing garbage to our
 * channels) cannot flood the log; the lines left out are counted and told in the next
 * line logged, and logged at DEBUG.
 *
 * @author PubSubClub
 */
final class RateLimitedLog {

	static final int PER_WINDOW = 10;

	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

	private final Log logger;

	private long windowStart = System.nanoTime();

	private int logged;

	private long suppressed;

	RateLimitedLog(Log logger) {
		this.logger = logger;
	}

	void warn(String line) {
		long left;
		synchronized (this) {
			long now = System.nanoTime();
			if (now - this.windowStart >= WINDOW_NANOS) {
				this.windowStart = now;
				this.logged = 0;
			}
			if (this.logged >= PER_WINDOW) {
				this.suppressed++;
				left = -1;
			}
			else {
				this.logged++;
				left = this.suppressed;
				this.suppressed = 0;
			}
		}
		if (left >= 0) {
			this.logger.warn(line + ((left > 0) ? " (" + left + " such lines before this one were not logged)" : ""));
		}
		else if (this.logger.isDebugEnabled()) {
			this.logger.debug(line);
		}
	}

}
