package io.pubsubclub.cluster;

import java.time.Duration;

/**
 * Settings of PSC 1.2's resume after a link drop.
 *
 * @param maxEvents most publishes the replay buffer keeps; {@code 0} turns resume off
 * @param maxBytes most bytes the replay buffer keeps
 * @param maxAge longest a publish is kept for a replay
 * @param timeout longest a consumer waits for a replay to end
 * @author PubSubClub
 */
public record ResumeSettings(int maxEvents, long maxBytes, Duration maxAge, Duration timeout) {

	/** The defaults: 100000 events, 32 MB, 30 s, 30 s. */
	public static final ResumeSettings DEFAULTS = new ResumeSettings(100_000, 32L * 1024 * 1024,
			Duration.ofSeconds(30), Duration.ofSeconds(30));

	/**
	 * Return whether consumers resume and producers keep a replay buffer.
	 * @return whether resume is on
	 */
	public boolean enabled() {
		return this.maxEvents > 0;
	}

	/**
	 * Return how long a dropped link's topics are remembered: by a consumer, to resume
	 * them from a producer that comes back; by a producer, to tell such a consumer of
	 * what it could not keep. Ten times {@code maxAge}, at least ten minutes: long enough
	 * to hear of a restart after a slow redeploy, short enough that peers gone for good
	 * are not remembered for ever. Past it a consumer reports a gap of unknown size.
	 * @return the horizon
	 */
	public Duration horizon() {
		Duration horizon = this.maxAge.multipliedBy(10);
		return (horizon.compareTo(Duration.ofMinutes(10)) > 0) ? horizon : Duration.ofMinutes(10);
	}

}
