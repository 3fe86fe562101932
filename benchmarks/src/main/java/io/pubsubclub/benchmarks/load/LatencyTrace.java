package io.pubsubclub.benchmarks.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code --latency-trace DIR}: every latency sample of a row, as the time it was due and the
 * time it arrived, both in {@link System#nanoTime()} (the clock that {@code -Xlog}'s
 * {@code timenanos} decoration prints on Linux, so that a sample can be put beside the GC
 * and safepoint pauses of every JVM on the machine), written as {@code due arrived} lines
 * to {@code DIR/NAME.tsv} once the row is measured. At most {@value #MAX_SAMPLES} samples
 * per row are kept (the later ones are left out of the trace, not of the histogram).
 * Written by the one thread that records the histogram.
 */
final class LatencyTrace {

	private static final int MAX_SAMPLES = 500_000;

	/** Where traces go, or {@code null} when they are not asked for. */
	static volatile Path directory;

	private long[] samples = new long[2 * 65_536];

	private int size;

	/** A trace for a new histogram, or {@code null} when traces are off. */
	static LatencyTrace create() {
		return (directory != null) ? new LatencyTrace() : null;
	}

	void record(long dueClock, long arrivedClock) {
		if (this.size == 2 * MAX_SAMPLES) {
			return;
		}
		if (this.size == this.samples.length) {
			this.samples = Arrays.copyOf(this.samples, Math.min(2 * MAX_SAMPLES, 2 * this.samples.length));
		}
		this.samples[this.size++] = Clock.toNanoTime(dueClock);
		this.samples[this.size++] = Clock.toNanoTime(arrivedClock);
	}

	/** Write the samples to {@code DIR/name.tsv} (the name's spaces and brackets made safe). */
	void write(String name) {
		Path dir = directory;
		if (dir == null) {
			return;
		}
		Path file = dir.resolve(name.replaceAll("[^A-Za-z0-9.=-]+", "_") + ".tsv");
		try {
			Files.createDirectories(dir);
			try (BufferedWriter out = Files.newBufferedWriter(file)) {
				for (int i = 0; i < this.size; i += 2) {
					out.write(this.samples[i] + "\t" + this.samples[i + 1] + "\n");
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
