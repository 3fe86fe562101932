package io.pubsubclub.wamp;

/**
 * A session's publish budget: a token bucket of characters of published events that
 * refills at the publish rate and holds at most the burst. A publish always
 * takes its characters, so the balance may go below zero; the time until it is back at
 * zero is how long the publisher is slowed.
 *
 * @author PubSubClub
 */
final class PublishBudget {

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	private final long ratePerSecond;

	private final long burst;

	private double balance;

	private long refilledAt;

	PublishBudget(long ratePerSecond, long burst, long now) {
		this.ratePerSecond = ratePerSecond;
		this.burst = burst;
		this.balance = burst;
		this.refilledAt = now;
	}

	/**
	 * Take the characters of one publish.
	 * @return nanoseconds until the balance is back at zero, {@code 0} when it is not
	 * below
	 */
	synchronized long take(long chars, long now) {
		refill(now);
		this.balance -= chars;
		return owed();
	}

	/**
	 * Nanoseconds until the balance is back at zero, {@code 0} when it is not below.
	 */
	synchronized long owed(long now) {
		refill(now);
		return owed();
	}

	private long owed() {
		return (this.balance >= 0) ? 0 : (long) Math.ceil(-this.balance * NANOS_PER_SECOND / this.ratePerSecond);
	}

	private void refill(long now) {
		long elapsed = now - this.refilledAt;
		if (elapsed > 0) {
			this.balance = Math.min(this.burst,
					this.balance + (double) elapsed * this.ratePerSecond / NANOS_PER_SECOND);
			this.refilledAt = now;
		}
	}

}
