package io.pubsubclub.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * How often redials may be forced through the endpoint: once per interval for all
 * dialled servers, and once per interval for each one; a redial of all counts for each.
 * A forced redial cuts the links it concerns, so that a burst of requests (a script, or a
 * page that makes a browser post to the endpoint) cannot keep the cluster cut.
 *
 * @author PubSubClub
 */
final class ForcedReconnects {

	static final String ALL = "*";

	private final Duration interval;

	private final Supplier<Instant> clock;

	private final Map<String, Instant> last = new HashMap<>();

	ForcedReconnects(Duration interval, Supplier<Instant> clock) {
		this.interval = interval;
		this.clock = clock;
	}

	/**
	 * Take a forced redial of one target, or of {@link #ALL}.
	 * @param target the server's address, or {@link #ALL}
	 * @return {@code null} when allowed, else when the next one will be
	 */
	synchronized @Nullable Instant acquire(String target) {
		if (this.interval.isZero()) {
			return null;
		}
		Instant now = this.clock.get();
		Instant next = nextAllowed(target);
		if (next != null && now.isBefore(next)) {
			return next;
		}
		this.last.values().removeIf((at) -> !now.isBefore(at.plus(this.interval)));
		this.last.put(target, now);
		return null;
	}

	private @Nullable Instant nextAllowed(String target) {
		Instant latest = null;
		if (ALL.equals(target)) {
			for (Instant at : this.last.values()) {
				latest = (latest == null || at.isAfter(latest)) ? at : latest;
			}
		}
		else {
			latest = later(this.last.get(target), this.last.get(ALL));
		}
		return (latest != null) ? latest.plus(this.interval) : null;
	}

	private static @Nullable Instant later(@Nullable Instant a, @Nullable Instant b) {
		if (a == null) {
			return b;
		}
		return (b == null || a.isAfter(b)) ? a : b;
	}

	Duration interval() {
		return this.interval;
	}

}
