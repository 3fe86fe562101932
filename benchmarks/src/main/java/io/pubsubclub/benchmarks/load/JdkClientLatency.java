package io.pubsubclub.benchmarks.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency rows again with the JDK's WebSocket client ({@code java.net.http.WebSocket})
 * as publisher and subscriber, as the issue measured them first: one subscriber on the
 * system's subscriber node, one publisher on its publisher node, events of the row's size
 * published at the offered rate (each stamped with the time it was due, so that a late
 * send carries its delay), every event of the stretch counted. The JDK client hands every
 * frame received to a thread of its own executor and each send's completion to another,
 * so its figures hold the client's cost as much as the server's: compare them between
 * builds, not with {@link RawWebSocket}'s.
 */
final class JdkClientLatency {

	private JdkClientLatency() {
	}

	/**
	 * Measure one system.
	 * @return "p50 … p99 … p99.9 … (N samples, M lost)", or why it failed
	 */
	static String measure(SystemUnderTest system, int payload, double offered, long measureNanos, int rounds) {
		String topic = "jdk-" + System.nanoTime();
		HttpClient http = HttpClient.newHttpClient();
		Receiver receiver = new Receiver();
		WebSocket subscriber = null;
		WebSocket publisher = null;
		try {
			subscriber = open(http, system.subscriberPort, system.subscriberPath, receiver);
			subscriber.sendText("[5,\"" + topic + "\"]", true).get(5, TimeUnit.SECONDS);
			publisher = open(http, system.publisherPort, system.publisherPath, new Receiver());
			byte[] padding = new byte[Math.max(1, payload - 60)];
			Arrays.fill(padding, (byte) 'x');
			String pad = new String(padding, StandardCharsets.US_ASCII);
			long deadline = Clock.now() + TimeUnit.SECONDS.toNanos(30);
			while (receiver.received.get() == 0) {
				if (Clock.now() > deadline) {
					return "the subscriber received nothing within 30 s";
				}
				publisher.sendText(event(topic, Clock.now(), pad), true).get(5, TimeUnit.SECONDS);
				Thread.sleep(20);
			}
			// the same ramp as the RawWebSocket rows, then the measured stretches
			paced(publisher, topic, pad, offered, Clock.now() + 300_000_000L);
			long published = 0;
			for (int round = 0; round < rounds; round++) {
				receiver.from = Clock.now();
				receiver.recording = true;
				published += paced(publisher, topic, pad, offered, Clock.now() + measureNanos);
				long drain = Clock.now() + TimeUnit.SECONDS.toNanos(5);
				while (receiver.histogram.count() < published && Clock.now() < drain) {
					Thread.sleep(5);
				}
				receiver.recording = false;
			}
			LatencyHistogram histogram = receiver.histogram;
			histogram.writeTrace(system.label + "-" + payload + "-jdk");
			return String.format(java.util.Locale.ROOT, "p50 %d µs  p99 %d µs  p99.9 %d µs (%,d samples, %,d lost)",
					histogram.percentileMicros(50), histogram.percentileMicros(99), histogram.percentileMicros(99.9),
					histogram.count(), published - histogram.count());
		}
		catch (Exception ex) {
			return "failed: " + ex;
		}
		finally {
			abort(subscriber);
			abort(publisher);
		}
	}

	private static WebSocket open(HttpClient http, int port, String path, Receiver receiver) throws Exception {
		return http.newWebSocketBuilder()
			.subprotocols("wamp")
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(URI.create("ws://127.0.0.1:" + port + path), receiver)
			.get(10, TimeUnit.SECONDS);
	}

	private static void abort(WebSocket socket) {
		if (socket != null) {
			socket.abort();
		}
	}

	private static String event(String topic, long due, String pad) {
		return "[7,\"" + topic + "\",{\"t\":" + due + ",\"p\":\"" + pad + "\"}]";
	}

	/**
	 * Publish at a fixed rate until the deadline, one send at a time as the JDK client
	 * allows, each event stamped with the time it was due.
	 * @return the events published
	 */
	private static long paced(WebSocket publisher, String topic, String pad, double eventsPerSecond, long deadline)
			throws Exception {
		double interval = 1e9 / eventsPerSecond;
		long start = Clock.now();
		long sent = 0;
		while (true) {
			long now = Clock.now();
			if (now >= deadline) {
				return sent;
			}
			long due = start + (long) (sent * interval);
			if (due > now) {
				LockSupport.parkNanos(Math.min(due - now, 200_000));
				continue;
			}
			publisher.sendText(event(topic, due, pad), true).get(10, TimeUnit.SECONDS);
			sent++;
		}
	}

	/**
	 * Records, while asked to, the latency of every event received; one thread at a time
	 * (the JDK client calls a listener sequentially).
	 */
	private static final class Receiver implements WebSocket.Listener {

		final LatencyHistogram histogram = new LatencyHistogram();

		final AtomicLong received = new AtomicLong();

		volatile boolean recording;

		volatile long from;

		private final StringBuilder parts = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			long now = Clock.now();
			this.parts.append(data);
			if (last) {
				String text = this.parts.toString();
				this.parts.setLength(0);
				int at = text.indexOf("{\"t\":");
				if (at >= 0) {
					int end = at + 5;
					while (end < text.length() && Character.isDigit(text.charAt(end))) {
						end++;
					}
					long due = Long.parseLong(text, at + 5, end, 10);
					this.received.incrementAndGet();
					// an event of the ramp or of an earlier round arriving late is not this round's
					if (this.recording && due >= this.from) {
						this.histogram.record(due, now);
					}
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			return CompletableFuture.completedFuture(null);
		}

	}

}
