package io.pubsubclub.cluster;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PSC codec on the cluster hop: a 301 encoded once per publish on the producer, and
 * decoded on the consumer (the event's JSON text cut out by offsets, never a tree). In the
 * codec's own package because the codec is package-private; the benchmarks module puts
 * it on the class path next to the autoconfigure jar.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PscCodecBenchmark {

	@Param({ "100", "4096" })
	int frameSize;

	private String eventJson;

	private String frame;

	@Setup
	public void setUp() {
		String prefix = "{\"t\":123456789012,\"s\":123456,\"p\":\"";
		this.eventJson = prefix + "x".repeat(Math.max(1, this.frameSize - prefix.length() - 24)) + "\"}";
		this.frame = PscCodec.event("bench.topic", this.eventJson);
	}

	@Benchmark
	public String encode301() {
		return PscCodec.event("bench.topic", this.eventJson);
	}

	@Benchmark
	public PscMessage decode301() {
		return PscCodec.decode(this.frame);
	}

}
