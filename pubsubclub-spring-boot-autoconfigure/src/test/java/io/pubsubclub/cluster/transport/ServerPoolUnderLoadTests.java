package io.pubsubclub.cluster.transport;

import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whether the cluster server's writes starve its reads: 40 consumer links (more than
 * the 32 threads the server used to have) take events at a high rate while they ping the server and
 * ask for new topics. Prints the pong round trips and how long a 201 took to be
 * honoured; asserts that every ping is answered, every 201 honoured and no consumer
 * that reads is cut off. {@code -Dpubsubclub.starvation.seconds} and
 * {@code -Dpubsubclub.starvation.rate} (events per second to each link) make it longer
 * or harder.
 */
class ServerPoolUnderLoadTests {

	private static final int LINKS = Integer.getInteger("pubsubclub.starvation.links", 40);

	private static final int SECONDS = Integer.getInteger("pubsubclub.starvation.seconds", 4);

	private static final int RATE = Integer.getInteger("pubsubclub.starvation.rate", 100);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final TestNodes nodes = new TestNodes();

	private final List<Consumer> consumers = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (Consumer consumer : this.consumers) {
			consumer.close();
		}
		this.nodes.close();
	}

	@Test
	void everyPingIsAnsweredAndEvery201HonouredWhileEveryLinkIsWritten() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		for (int i = 0; i < LINKS; i++) {
			Consumer consumer = new Consumer(producer.address().port());
			this.consumers.add(consumer);
			consumer.send("[101,[1,1]]");
			consumer.send("[201,\"t\"]");
		}
		await().atMost(WAIT).until(() -> producer.links()
			.stream()
			.filter((link) -> link.topics().contains("t"))
			.count() == LINKS);
		String event = "\"" + "x".repeat(90) + "\"";
		AtomicBoolean publishing = new AtomicBoolean(true);
		Thread publisher = new Thread(() -> {
			long start = System.nanoTime();
			long sent = 0;
			while (publishing.get()) {
				long due = (System.nanoTime() - start) * RATE / 1_000_000_000L;
				while (sent < due) {
					producer.subscribers().publish("t", event);
					sent++;
				}
				LockSupport.parkNanos(200_000);
			}
		}, "starvation-publisher");
		publisher.start();
		AtomicLong maxBusy = new AtomicLong();
		java.util.Map<String, Integer> busyAt = new ConcurrentHashMap<>();
		AtomicLong samples = new AtomicLong();
		AtomicLong busySum = new AtomicLong();
		Thread sampler = new Thread(() -> {
			while (publishing.get()) {
				List<StackTraceElement[]> busyStacks = Thread.getAllStackTraces()
					.entrySet()
					.stream()
					.filter((entry) -> entry.getKey().getName().startsWith("pubsubclub-server-")
							&& !parked(entry.getValue()))
					.map(java.util.Map.Entry::getValue)
					.toList();
				long busy = busyStacks.size();
				if (busy > maxBusy.get()) {
					busyAt.clear();
					for (StackTraceElement[] stack : busyStacks) {
						busyAt.merge(doing(stack), 1, Integer::sum);
					}
				}
				maxBusy.accumulateAndGet(busy, Math::max);
				busySum.addAndGet(busy);
				samples.incrementAndGet();
				LockSupport.parkNanos(20_000_000);
			}
		}, "starvation-sampler");
		sampler.start();
		List<Long> probeMillis = new CopyOnWriteArrayList<>();
		List<String> unhonoured = new ArrayList<>();
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
		int probe = 0;
		while (System.nanoTime() < end) {
			for (Consumer consumer : this.consumers) {
				consumer.ping();
			}
			if (probe < 10_000) {
				Consumer consumer = this.consumers.get(probe % LINKS);
				String topic = "probe-" + probe++;
				long asked = System.nanoTime();
				consumer.send("[201,\"" + topic + "\"]");
				// honoured once the producer forwards the topic to that link
				while (!consumer.got(topic) && System.nanoTime() - asked < WAIT.toNanos()) {
					producer.subscribers().publish(topic, "1");
					LockSupport.parkNanos(1_000_000);
				}
				if (!consumer.got(topic)) {
					unhonoured.add(topic + " (link " + (probe - 1) % LINKS + ": forwarded by the producer "
							+ producer.forwards(topic) + ", events received " + consumer.events.get() + ", pongs "
							+ consumer.pongs.get() + "/" + consumer.pings.get() + ")");
					break;
				}
				probeMillis.add((System.nanoTime() - asked) / 1_000_000);
			}
			LockSupport.parkNanos(100_000_000);
		}
		publishing.set(false);
		publisher.join();
		sampler.join();
		System.out.println("STARVATION: cluster server threads busy (not waiting for work): max " + maxBusy.get()
				+ ", mean " + String.format("%.1f", (double) busySum.get() / Math.max(1, samples.get())) + " over "
				+ samples.get() + " samples; at the max: " + busyAt);
		System.out.println("STARVATION: 201s not honoured in time: " + unhonoured + "; published "
				+ producer.cluster().state().totals());
		assertThat(unhonoured).as("201s not honoured within " + WAIT).isEmpty();
		for (Consumer consumer : this.consumers) {
			await().atMost(WAIT).until(() -> consumer.pongs.get() == consumer.pings.get());
		}
		List<Long> rtts = new ArrayList<>();
		long events = 0;
		for (Consumer consumer : this.consumers) {
			rtts.addAll(consumer.rttMicros);
			events += consumer.events.get();
		}
		Collections.sort(rtts);
		Collections.sort(probeMillis);
		ClusterState.Totals totals = producer.cluster().state().totals();
		System.out.println("STARVATION: " + LINKS + " consumer links, " + RATE + " events/s to each for " + SECONDS
				+ " s: " + events + " events received (" + (events / SECONDS) + "/s), slow-peer cut-offs "
				+ totals.slowPeerDisconnects() + "; pong round trip (us) p50 " + pct(rtts, 50) + " p99 "
				+ pct(rtts, 99) + " max " + rtts.get(rtts.size() - 1) + " over " + rtts.size()
				+ " pings; 201 honoured after (ms) p50 " + pct(probeMillis, 50) + " max "
				+ probeMillis.get(probeMillis.size() - 1) + " over " + probeMillis.size() + " probes");
		assertThat(totals.slowPeerDisconnects()).as("consumers cut off").isZero();
		assertThat(producer.readyLinks()).isEqualTo(LINKS);
	}

	// busy: reading or writing a WebSocket, or in this project's code; anything else
	// (waiting for a task, the pool's own housekeeping) is idle
	private static boolean parked(StackTraceElement[] stack) {
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().contains("TaskQueue")) {
				return true;
			}
		}
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().startsWith("io.pubsubclub")
					|| frame.getClassName().startsWith("org.apache.tomcat.websocket")) {
				return false;
			}
		}
		return true;
	}

	private static String doing(StackTraceElement[] stack) {
		String top = "?";
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().startsWith("org.apache.tomcat.websocket")) {
				top = simple(frame);
				break;
			}
		}
		for (StackTraceElement frame : stack) {
			if (frame.getClassName().startsWith("io.pubsubclub")) {
				return top + " <- " + simple(frame);
			}
		}
		for (int i = stack.length - 1; i >= 0; i--) {
			if (stack[i].getClassName().startsWith("org.apache.tomcat.websocket")) {
				return top + " <- " + simple(stack[i]);
			}
		}
		return top;
	}

	private static String simple(StackTraceElement frame) {
		return frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "."
				+ frame.getMethodName();
	}

	private static long pct(List<Long> sorted, int percent) {
		return sorted.get(Math.min(sorted.size() - 1, sorted.size() * percent / 100));
	}

	/**
	 * A consumer that reads as fast as it can, counts events and times its pings.
	 */
	static final class Consumer extends AbstractWebSocketHandler implements AutoCloseable {

		final AtomicLong events = new AtomicLong();

		final AtomicLong pings = new AtomicLong();

		final AtomicLong pongs = new AtomicLong();

		final List<Long> rttMicros = new CopyOnWriteArrayList<>();

		private final java.util.Set<String> probes = ConcurrentHashMap.newKeySet();

		private final WebSocketSession session;

		Consumer(int port) throws Exception {
			this.session = new StandardWebSocketClient()
				.execute(this, new WebSocketHttpHeaders(), URI.create("ws://127.0.0.1:" + port + "/"))
				.get(10, TimeUnit.SECONDS);
		}

		synchronized void send(String frame) throws Exception {
			this.session.sendMessage(new TextMessage(frame));
		}

		synchronized void ping() throws Exception {
			this.pings.incrementAndGet();
			this.session.sendMessage(new PingMessage(ByteBuffer.allocate(8).putLong(0, System.nanoTime())));
		}

		boolean got(String topic) {
			return this.probes.contains(topic);
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			String payload = message.getPayload();
			if (payload.startsWith("[301,\"t\"")) {
				this.events.incrementAndGet();
			}
			else if (payload.startsWith("[301,\"probe-")) {
				this.probes.add(payload.substring(6, payload.indexOf('"', 6)));
			}
		}

		@Override
		protected void handlePongMessage(WebSocketSession session, PongMessage message) {
			this.rttMicros.add((System.nanoTime() - message.getPayload().getLong(0)) / 1000);
			this.pongs.incrementAndGet();
		}

		@Override
		public void close() throws Exception {
			if (this.session.isOpen()) {
				this.session.close();
			}
		}

	}

}
