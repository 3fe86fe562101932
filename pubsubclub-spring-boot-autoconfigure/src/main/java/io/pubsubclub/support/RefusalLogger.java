package io.pubsubclub.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;

/**
 * Logs refusals of bad or forbidden input at INFO within two bounds, so that a client
 * sending nothing but such input cannot flood the log: at most {@code perSource} lines
 * for one source (a session) in its lifetime, and at most {@code perWindow} lines in
 * total in each window of time. A line left out is counted (see {@link #unlogged()},
 * bound as a meter by the caller) and logged at DEBUG; the next INFO line tells how many
 * were left out before it. The line is built only when it is written.
 * <p>
 * Modelled on the cluster's refusal log of link upgrades.
 *
 * @author PubSubClub
 */
public final class RefusalLogger {

	private final int perSource;

	private final int perWindow;

	private final long windowNanos;

	private final LongAdder unlogged = new LongAdder();

	// guarded by this
	private long windowStart = System.nanoTime();

	// guarded by this
	private int logged;

	// guarded by this: unlogged() when the last INFO line was written
	private long unloggedAtLastLine;

	/**
	 * Create a logger of refusals.
	 * @param perSource most lines logged for one source
	 * @param perWindow most lines logged in total in one window
	 * @param window the window
	 */
	public RefusalLogger(int perSource, int perWindow, Duration window) {
		this.perSource = perSource;
		this.perWindow = perWindow;
		this.windowNanos = window.toNanos();
	}

	/**
	 * Log a refusal at INFO unless a bound is reached.
	 * @param logger where the line goes
	 * @param sourceLines how many lines the source has had logged, counted up here
	 * @param line the line, built only when it is written
	 * @return whether the line was logged at INFO
	 */
	public boolean refused(Log logger, AtomicInteger sourceLines, Supplier<String> line) {
		int sourceCount = sourceLines.get();
		long left = -1;
		if (sourceCount < this.perSource) {
			synchronized (this) {
				long now = System.nanoTime();
				if (now - this.windowStart >= this.windowNanos) {
					this.windowStart = now;
					this.logged = 0;
				}
				if (this.logged < this.perWindow) {
					this.logged++;
					long unlogged = this.unlogged.sum();
					left = Math.max(0, unlogged - this.unloggedAtLastLine);
					this.unloggedAtLastLine = unlogged;
				}
			}
		}
		if (left < 0) {
			this.unlogged.increment();
			if (logger.isDebugEnabled()) {
				logger.debug(line.get());
			}
			return false;
		}
		int count = sourceLines.incrementAndGet();
		String text = line.get();
		if (count >= this.perSource) {
			text += "; further refusals of this session are counted, not logged";
		}
		if (left > 0) {
			text += " (" + left + " refusals since the last one logged were not logged)";
		}
		logger.info(text);
		return true;
	}

	/**
	 * Return how many refusals were not logged at INFO.
	 * @return the count since start-up
	 */
	public long unlogged() {
		return this.unlogged.sum();
	}

}
