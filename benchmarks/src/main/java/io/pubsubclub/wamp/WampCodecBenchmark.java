package io.pubsubclub.wamp;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The codec steps of the WAMP server's PUBLISH path: the tree path (the frame parsed into
 * a Jackson tree, the event written back to JSON text once for all subscribers, both
 * needed for one publish) against the streaming reader the server uses for PUBLISH
 * ({@link PublishReader}: the same text, without the tree) and the prototype that cuts the
 * event's text out of the frame unchanged ({@link SimplePublish}, a lower bound). In the
 * server's package because both are package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WampCodecBenchmark {

	@Param({ "100", "4096" })
	int frameSize;

	private JsonMapper jsonMapper;

	private String publish;

	private JsonNode event;

	private PublishReader publishReader;

	@Setup
	public void setUp() {
		this.jsonMapper = JsonMapper.builder().build();
		String prefix = "[7,\"bench.topic\",{\"t\":123456789012,\"s\":123456,\"p\":\"";
		this.publish = prefix + "x".repeat(Math.max(1, this.frameSize - prefix.length() - 3)) + "\"}]";
		this.event = this.jsonMapper.readTree(this.publish).get(2);
		this.publishReader = new PublishReader(this.jsonMapper);
		if (!streamingReader().equals(treeParseAndWrite())) {
			throw new IllegalStateException("the streaming reader and the tree disagree on " + this.publish);
		}
	}

	@Benchmark
	public JsonNode parsePublish() {
		return this.jsonMapper.readTree(this.publish);
	}

	@Benchmark
	public String writeEvent() {
		return this.jsonMapper.writeValueAsString(this.event);
	}

	@Benchmark
	public String treeParseAndWrite() {
		return this.jsonMapper.writeValueAsString(this.jsonMapper.readTree(this.publish).get(2));
	}

	@Benchmark
	public String streamingReader() {
		PublishReader.Publish publish = this.publishReader.read(this.publish, "publisher");
		if (publish == null) {
			throw new IllegalStateException("left to the tree: " + this.publish);
		}
		return publish.eventJson();
	}

	@Benchmark
	public String streamingCutOut() {
		SimplePublish publish = SimplePublish.parse(this.jsonMapper, this.publish);
		if (publish == null) {
			throw new IllegalStateException("not a simple publish: " + this.publish);
		}
		return publish.eventJson();
	}

}
