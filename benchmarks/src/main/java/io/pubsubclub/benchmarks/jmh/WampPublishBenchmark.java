package io.pubsubclub.benchmarks.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.pubsubclub.wamp.WampProcedureRegistry;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;
import io.pubsubclub.wamp.WampWebSocketHandler;
import io.pubsubclub.wamp.event.WampPublishedEvent;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationListener;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * The WAMP server's hot path without the network: one PUBLISH frame handed to
 * {@link WampWebSocketHandler#handleMessage} (parse, topic lookup, EVENT frame, one
 * {@code OutboundBuffer.send} per subscriber, the {@link WampPublishedEvent} through a real
 * application context with one listener, as the cluster's producer has). See
 * {@link WampCodecBenchmark} for the codec steps it is made of.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class WampPublishBenchmark {

	@Param({ "100", "4096" })
	int frameSize;

	@Param({ "1", "100" })
	int subscribers;

	private final LongAdder written = new LongAdder();

	private final LongAdder publishedEvents = new LongAdder();

	private GenericApplicationContext context;

	private WampWebSocketHandler handler;

	private JsonMapper jsonMapper;

	private StandardWebSocketSession publisher;

	private TextMessage publish;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.context = new GenericApplicationContext();
		this.context.registerBean("producerStandIn", ApplicationListener.class,
				() -> (ApplicationListener<WampPublishedEvent>) (e) -> this.publishedEvents.increment());
		this.context.refresh();
		this.jsonMapper = JsonMapper.builder().build();
		WampServer server = new WampServer(this.jsonMapper, this.context, new WampServerMetrics());
		// the fake sessions cannot be slowed: no publish budget, or publishes would be refused
		server.setPublishRate(Long.MAX_VALUE / 4);
		server.setPublishBurst(Long.MAX_VALUE / 4);
		this.handler = new WampWebSocketHandler(server, new WampProcedureRegistry(), Runnable::run);
		for (int i = 0; i < this.subscribers; i++) {
			StandardWebSocketSession subscriber = FakeJsr356Session.create(this.written);
			this.handler.afterConnectionEstablished(subscriber);
			this.handler.handleMessage(subscriber, new TextMessage("[5,\"bench.topic\"]"));
		}
		this.publisher = FakeJsr356Session.create(this.written);
		this.handler.afterConnectionEstablished(this.publisher);
		String prefix = "[7,\"bench.topic\",{\"t\":123456789012,\"s\":123456,\"p\":\"";
		this.publish = new TextMessage(prefix + "x".repeat(Math.max(1, this.frameSize - prefix.length() - 3)) + "\"}]");
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.publishedEvents.sum() == 0) {
			throw new IllegalStateException("the benchmark delivered nothing");
		}
		this.context.close();
	}

	@Benchmark
	public void handlePublish() throws Exception {
		this.handler.handleMessage(this.publisher, this.publish);
	}

}
