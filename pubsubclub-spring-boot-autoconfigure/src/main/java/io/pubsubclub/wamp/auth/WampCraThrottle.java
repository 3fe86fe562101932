package io.pubsubclub.wamp.auth;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Limits WAMP-CRA guessing across sessions: failed attempts are counted per auth key
 * (only keys that exist: an unknown key is not a secret being guessed) and per remote
 * address (an IPv6 address by its /64, which one host usually holds whole). After
 * {@code freeFailures} failures, each further failure holds that key or address back for
 * a delay that doubles from {@code initialDelay} up to {@code maxDelay}; while held back,
 * {@code authreq} and {@code auth} are refused without looking at a signature. A key's
 * or address's count starts again after {@code window} without a failure.
 * <p>
 * So a guesser gets a few free tries, then one try per delay, per key and per address:
 * a real user of another key from another address is never held back by it. A guesser
 * of the very key a user holds holds that user back too (the price of limiting per key;
 * the delays stay short of a lock-out).
 * <p>
 * Memory is bounded: at most {@code maxTracked} keys and {@code maxTracked} addresses
 * are tracked, the least recently failed are forgotten first (counted, and shown with the
 * tracked ones through {@link WampAuthMetrics}). Thread-safe: each map has its own lock,
 * held for its update only; no call leaves this class under it.
 *
 * @author PubSubClub
 */
public final class WampCraThrottle {

	private final int freeFailures;

	private final long windowNanos;

	private final long initialDelayNanos;

	private final long maxDelayNanos;

	private final LongAdder forgotten = new LongAdder();

	private final LongSupplier nanoClock;

	private final Tracker keys;

	private final Tracker addresses;

	/**
	 * Create a throttle.
	 * @param freeFailures failures of a key or address before it is held back, at least
	 * 1
	 * @param window time without a failure after which a count starts again
	 * @param initialDelay the first hold, doubled by each further failure
	 * @param maxDelay the longest hold
	 * @param maxTracked most keys, and most addresses, tracked at once
	 * @param metrics where the tracked and forgotten entries are shown
	 */
	public WampCraThrottle(int freeFailures, Duration window, Duration initialDelay, Duration maxDelay,
			int maxTracked, WampAuthMetrics metrics) {
		this(freeFailures, window, initialDelay, maxDelay, maxTracked, metrics, System::nanoTime);
	}

	WampCraThrottle(int freeFailures, Duration window, Duration initialDelay, Duration maxDelay, int maxTracked,
			WampAuthMetrics metrics, LongSupplier nanoClock) {
		Assert.isTrue(freeFailures > 0, "Free failures must be positive");
		Assert.isTrue(!window.isNegative() && !window.isZero(), "Window must be positive");
		Assert.isTrue(!initialDelay.isNegative() && !initialDelay.isZero(), "Initial delay must be positive");
		Assert.isTrue(maxDelay.compareTo(initialDelay) >= 0, "Max delay must not be below the initial delay");
		Assert.isTrue(maxTracked > 0, "Max tracked must be positive");
		this.freeFailures = freeFailures;
		this.windowNanos = window.toNanos();
		this.initialDelayNanos = initialDelay.toNanos();
		this.maxDelayNanos = maxDelay.toNanos();
		this.nanoClock = nanoClock;
		this.keys = new Tracker(maxTracked);
		this.addresses = new Tracker(maxTracked);
		metrics.throttle(this);
	}

	/**
	 * Return how long an attempt for this key from this address is held back.
	 * @param authKey the auth key
	 * @param address the remote address, {@code null} when unknown
	 * @return the time left, {@link Duration#ZERO} when the attempt may go on
	 */
	public Duration heldBack(String authKey, @Nullable InetAddress address) {
		long now = this.nanoClock.getAsLong();
		long left = Math.max(this.keys.heldFor(authKey, now),
				(address != null) ? this.addresses.heldFor(addressKey(address), now) : 0);
		return Duration.ofNanos(left);
	}

	/**
	 * Count a failed attempt.
	 * @param authKey the auth key when it exists, {@code null} for an unknown one
	 * @param address the remote address, {@code null} when unknown
	 */
	public void failed(@Nullable String authKey, @Nullable InetAddress address) {
		long now = this.nanoClock.getAsLong();
		if (authKey != null) {
			this.keys.failed(authKey, now);
		}
		if (address != null) {
			this.addresses.failed(addressKey(address), now);
		}
	}

	/**
	 * Return how many auth keys are tracked.
	 * @return the tracked keys
	 */
	public int trackedKeys() {
		return this.keys.size();
	}

	/**
	 * Return how many remote addresses are tracked.
	 * @return the tracked addresses
	 */
	public int trackedAddresses() {
		return this.addresses.size();
	}

	/**
	 * Return how many keys and addresses were forgotten to make room.
	 * @return the count since start-up
	 */
	public long forgotten() {
		return this.forgotten.sum();
	}

	private static String addressKey(InetAddress address) {
		byte[] bytes = address.getAddress();
		if (address instanceof Inet6Address) {
			return "v6/64:" + Arrays.toString(Arrays.copyOf(bytes, 8));
		}
		return address.getHostAddress();
	}

	private long delay(int failures) {
		int doublings = failures - this.freeFailures;
		if (doublings >= 62 || this.initialDelayNanos > (this.maxDelayNanos >> doublings)) {
			return this.maxDelayNanos;
		}
		return Math.min(this.maxDelayNanos, this.initialDelayNanos << doublings);
	}

	private final class Tracker {

		private final Map<String, Entry> entries;

		Tracker(int maxTracked) {
			this.entries = new LinkedHashMap<>(16, 0.75f, true) {

				@Override
				protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
					if (size() > maxTracked) {
						WampCraThrottle.this.forgotten.increment();
						return true;
					}
					return false;
				}

			};
		}

		synchronized long heldFor(String key, long now) {
			Entry entry = this.entries.get(key);
			return (entry != null && entry.heldUntil - now > 0) ? entry.heldUntil - now : 0;
		}

		synchronized void failed(String key, long now) {
			Entry entry = this.entries.get(key);
			if (entry == null || now - entry.lastFailure >= WampCraThrottle.this.windowNanos) {
				entry = new Entry();
				this.entries.put(key, entry);
			}
			entry.failures++;
			entry.lastFailure = now;
			if (entry.failures >= WampCraThrottle.this.freeFailures) {
				entry.heldUntil = now + delay(entry.failures);
			}
		}

		synchronized int size() {
			return this.entries.size();
		}

	}

	private static final class Entry {

		int failures;

		long lastFailure;

		long heldUntil;

	}

}
