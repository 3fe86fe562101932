package io.pubsubclub.benchmarks.load;

/**
 * The one clock of the load program: nanoseconds since it started, so that timestamps in
 * payloads are small positive numbers.
 */
final class Clock {

	private static final long ORIGIN = System.nanoTime() - 1;

	private Clock() {
	}

	static long now() {
		return System.nanoTime() - ORIGIN;
	}

	/** The {@link System#nanoTime()} of a time of this clock. */
	static long toNanoTime(long clock) {
		return clock + ORIGIN;
	}

}
