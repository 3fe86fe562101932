package io.pubsubclub.benchmarks.load;

/**
 * Latencies counted in 1 µs buckets up to one second, and one bucket for anything
 * slower. Written by one thread, read after that thread has stopped recording.
 */
final class LatencyHistogram {

	private static final int MAX_MICROS = 1_000_000;

	private final long[] counts = new long[MAX_MICROS + 1];

	private long total;

	private final LatencyTrace trace = LatencyTrace.create();

	/** Record the latency of an event due at {@code due} that arrived at {@code arrived} ({@link Clock}). */
	void record(long due, long arrived) {
		record(arrived - due);
		if (this.trace != null) {
			this.trace.record(due, arrived);
		}
	}

	/** {@code --latency-trace}: write what was recorded as {@code DIR/name.tsv}. */
	void writeTrace(String name) {
		if (this.trace != null) {
			this.trace.write(name);
		}
	}

	void record(long nanos) {
		long micros = Math.max(0, nanos / 1000);
		this.counts[(int) Math.min(micros, MAX_MICROS)]++;
		this.total++;
	}

	long count() {
		return this.total;
	}

	/**
	 * Return the latency at the given percentile in microseconds, or -1 when nothing was
	 * recorded; {@value #MAX_MICROS} stands for "a second or more".
	 */
	long percentileMicros(double percentile) {
		if (this.total == 0) {
			return -1;
		}
		long rank = (long) Math.ceil(percentile / 100.0 * this.total);
		long seen = 0;
		for (int i = 0; i < this.counts.length; i++) {
			seen += this.counts[i];
			if (seen >= rank) {
				return i;
			}
		}
		return MAX_MICROS;
	}

}
