package io.pubsubclub.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Writes lines that something outside this node can repeat without end (refused
 * requests, failed connections, a backplane that stays down) within two budgets, so
 * that such a flood cannot flood the log:
 * <ul>
 * <li>in total, at most {@code perWindow} lines in each window of time; a window starts
 * with the first line asked for after the last one ended;</li>
 * <li>for one key (a session), at most {@code perKey} lines in the key's lifetime. The
 * key's count is an {@link AtomicInteger} its owner holds, so this log keeps nothing per
 * key: its memory is a few counters, whatever the number of keys.</li>
 * </ul>
 * A line over either budget is counted ({@link #unlogged()}) and written at DEBUG
 * instead. The next line written carries the {@link Summary} of what was left out since
 * the one before it; the last line a key may have carries the builder's
 * {@code keyExhausted} text. A line is built only when it is written, at its level or at
 * DEBUG. The clock is {@link System#nanoTime()} unless the builder is given another
 * (tests drive it).
 * <p>
 * Thread-safe. The log's lock is a leaf: it guards a few counters and is never held
 * while a line is built or written.
 *
 * @author PubSubClub
 */
public final class RateLimitedLog {

	private final Level level;

	private final int perWindow;

	private final long windowNanos;

	private final int perKey;

	private final String keyExhausted;

	private final Summary summary;

	private final LongSupplier clock;

	// guarded by this
	private long windowStart;

	// guarded by this
	private int loggedInWindow;

	// guarded by this: unlogged when the last line was written
	private long unloggedAtLastLine;

	// written under this
	private volatile long unlogged;

	// written under this
	private volatile long total;

	private RateLimitedLog(Builder builder) {
		this.level = builder.level;
		this.perWindow = builder.perWindow;
		this.windowNanos = builder.window.toNanos();
		this.perKey = builder.perKey;
		this.keyExhausted = builder.keyExhausted;
		this.summary = builder.summary;
		this.clock = builder.clock;
		this.windowStart = this.clock.getAsLong();
	}

	/**
	 * Start a log that writes at INFO.
	 * @param perWindow most lines written in one window
	 * @param window the window
	 * @return a builder
	 */
	public static Builder info(int perWindow, Duration window) {
		return new Builder(Level.INFO, perWindow, window);
	}

	/**
	 * Start a log that writes at WARN.
	 * @param perWindow most lines written in one window
	 * @param window the window
	 * @return a builder
	 */
	public static Builder warn(int perWindow, Duration window) {
		return new Builder(Level.WARN, perWindow, window);
	}

	/**
	 * Create the log of refusals of what sessions send: at INFO, at most
	 * {@code perSession} lines for one session and {@code perMinute} in total a minute.
	 * @param perSession most lines for one session
	 * @param perMinute most lines in one minute
	 * @return the log
	 */
	public static RateLimitedLog sessionRefusals(int perSession, int perMinute) {
		return info(perMinute, Duration.ofMinutes(1))
			.perKey(perSession, "; further refusals of this session are counted, not logged")
			.summary((unlogged, total) -> (unlogged > 0)
					? " (" + unlogged + " refusals since the last one logged were not logged)" : "")
			.build();
	}

	/**
	 * Write a line unless the window's budget is spent.
	 * @param logger where the line goes
	 * @param line the line, built only when it is written
	 * @return whether the line was written at the log's level
	 */
	public boolean log(Log logger, Supplier<String> line) {
		return log(logger, null, line);
	}

	/**
	 * Write a line unless the key's or the window's budget is spent.
	 * @param logger where the line goes
	 * @param keyLines how many lines the key has had written, counted up here; or
	 * {@code null} for none
	 * @param line the line, built only when it is written
	 * @return whether the line was written at the log's level
	 */
	public boolean log(Log logger, @Nullable AtomicInteger keyLines, Supplier<String> line) {
		boolean keyOpen = keyLines == null || keyLines.get() < this.perKey;
		long left;
		long count;
		synchronized (this) {
			count = ++this.total;
			if (keyOpen && takeFromWindow()) {
				left = this.unlogged - this.unloggedAtLastLine;
				this.unloggedAtLastLine = this.unlogged;
			}
			else {
				this.unlogged++;
				left = -1;
			}
		}
		if (left < 0) {
			if (logger.isDebugEnabled()) {
				logger.debug(line.get());
			}
			return false;
		}
		String text = line.get();
		if (keyLines != null && keyLines.incrementAndGet() >= this.perKey) {
			text += this.keyExhausted;
		}
		text += this.summary.describe(left, count);
		if (this.level == Level.WARN) {
			logger.warn(text);
		}
		else {
			logger.info(text);
		}
		return true;
	}

	private boolean takeFromWindow() {
		long now = this.clock.getAsLong();
		if (now - this.windowStart >= this.windowNanos) {
			this.windowStart = now;
			this.loggedInWindow = 0;
		}
		if (this.loggedInWindow >= this.perWindow) {
			return false;
		}
		this.loggedInWindow++;
		return true;
	}

	/**
	 * Return how many lines were not written at the log's level.
	 * @return the count since start-up
	 */
	public long unlogged() {
		return this.unlogged;
	}

	/**
	 * Return how many lines were asked for, written or not.
	 * @return the count since start-up
	 */
	public long total() {
		return this.total;
	}

	private enum Level {

		INFO, WARN

	}

	/**
	 * What the next line written says about the lines left out before it.
	 */
	@FunctionalInterface
	public interface Summary {

		/**
		 * Return the text appended to a line written.
		 * @param unlogged lines left out since the last line written
		 * @param total lines asked for since start-up, this one included
		 * @return the text, empty for none
		 */
		String describe(long unlogged, long total);

	}

	/**
	 * Builds a {@link RateLimitedLog}.
	 */
	public static final class Builder {

		private final Level level;

		private final int perWindow;

		private final Duration window;

		private int perKey = Integer.MAX_VALUE;

		private String keyExhausted = "";

		private Summary summary = (unlogged, total) -> (unlogged > 0)
				? " (" + unlogged + " lines before this one were not logged)" : "";

		private LongSupplier clock = System::nanoTime;

		private Builder(Level level, int perWindow, Duration window) {
			Assert.isTrue(perWindow > 0, "perWindow must be positive");
			Assert.isTrue(!window.isNegative(), "window must not be negative");
			this.level = level;
			this.perWindow = perWindow;
			this.window = window;
		}

		/**
		 * Bound the lines of one key.
		 * @param perKey most lines written for one key
		 * @param keyExhausted text appended to a key's last line
		 * @return this builder
		 */
		public Builder perKey(int perKey, String keyExhausted) {
			Assert.isTrue(perKey > 0, "perKey must be positive");
			this.perKey = perKey;
			this.keyExhausted = keyExhausted;
			return this;
		}

		/**
		 * Set what a line written says of the lines left out before it.
		 * @param summary the summary
		 * @return this builder
		 */
		public Builder summary(Summary summary) {
			this.summary = summary;
			return this;
		}

		/**
		 * Set the clock, in nanoseconds as {@link System#nanoTime()}.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(LongSupplier clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the log.
		 * @return the log
		 */
		public RateLimitedLog build() {
			return new RateLimitedLog(this);
		}

	}

}
