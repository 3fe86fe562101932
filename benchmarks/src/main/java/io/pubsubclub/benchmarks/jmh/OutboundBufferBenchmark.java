package io.pubsubclub.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.pubsubclub.support.OutboundBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@link OutboundBuffer#send(String)} on the hot path, with a container that
 * completes sends at once: one session, and one frame fanned out to 100 sessions (what one
 * publish to 100 subscribers costs the sender). Two threads sending on one session are
 * left out on purpose: the thread that drains does more per frame than the one that only
 * queues, so the queue grows until the buffer limit cuts the session off, which is the
 * buffer doing its job, not a figure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OutboundBufferBenchmark {

	@Param({ "100", "4096" })
	int frameSize;

	private String frame;

	private final LongAdder written = new LongAdder();

	private OutboundBuffer single;

	private final List<OutboundBuffer> hundred = new ArrayList<>();

	@Setup(Level.Trial)
	public void setUp() {
		this.frame = "[8,\"bench\",\"" + "x".repeat(Math.max(0, this.frameSize - 14)) + "\"]";
		this.single = buffer();
		for (int i = 0; i < 100; i++) {
			this.hundred.add(buffer());
		}
	}

	private OutboundBuffer buffer() {
		return new OutboundBuffer(FakeJsr356Session.create(this.written), 512 * 1024, 10_000, Runnable::run,
				(session, why) -> {
					throw new IllegalStateException("overflow in a benchmark: " + why);
				});
	}

	@Benchmark
	public boolean send() {
		return this.single.send(this.frame);
	}

	@Benchmark
	public int fanOutTo100() {
		int sent = 0;
		for (OutboundBuffer buffer : this.hundred) {
			if (buffer.send(this.frame)) {
				sent++;
			}
		}
		return sent;
	}

}
