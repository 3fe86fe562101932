package io.pubsubclub.cluster.transport;

import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs refused upgrades at WARN, at most a few in each window of time, so that a flood
 * of bad upgrades cannot flood the log; the refusals left out are counted and told in
 * the next line logged (every refusal is also counted by reason, and logged at DEBUG).
 *
 * @author PubSubClub
 */
final class RefusalLog {

	private static final Log logger = LogFactory.getLog(LinkAuthenticator.class);

	static final int PER_WINDOW = 10;

	private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);

	private long windowStart = System.nanoTime();

	private int logged;

	private long suppressed;

	void refused(String remote, String reason) {
		String line = "Refused cluster link from " + remote + ": " + reason;
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
			logger.warn(line + " (HTTP 401)"
					+ ((left > 0) ? "; " + left + " refusals before this one were not logged at WARN" : ""));
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(line);
		}
	}

}
