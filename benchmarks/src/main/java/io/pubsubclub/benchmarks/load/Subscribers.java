package io.pubsubclub.benchmarks.load;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * K subscriber connections read by one selector thread, which counts the events each
 * received and, while latency recording is on, the delay from the publisher's timestamp
 * (for paced events, the time each was due).
 * The publisher and the receivers share this JVM's {@link System#nanoTime() clock}.
 */
final class Subscribers implements RawWebSocket.FrameSink, AutoCloseable {

	private final List<RawWebSocket> connections;

	private final Selector selector;

	private final Thread reader;

	private final LatencyHistogram histogram = new LatencyHistogram();

	private volatile boolean running = true;

	private volatile boolean recording;

	private volatile long recordFrom;

	private volatile long total;

	private volatile long minimum;

	private volatile String failure;

	/** Sessions the server closed, by close code (1006: dropped without a close frame). */
	private final Map<Integer, Integer> cut = new TreeMap<>();

	Subscribers(List<RawWebSocket> connections) throws IOException {
		this.connections = new ArrayList<>(connections);
		this.selector = Selector.open();
		for (RawWebSocket ws : connections) {
			ws.channel().configureBlocking(false);
			ws.channel().register(this.selector, SelectionKey.OP_READ, ws);
		}
		this.reader = new Thread(this::readLoop, "subscribers");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	private void readLoop() {
		long count = 0;
		try {
			while (this.running) {
				if (this.selector.select(100) == 0) {
					continue;
				}
				for (SelectionKey key : this.selector.selectedKeys()) {
					RawWebSocket ws = (RawWebSocket) key.attachment();
					long before = ws.received;
					if (!ws.readAvailable(this)) {
						if (this.failure == null) {
							this.failure = "a subscriber connection was closed by the server";
						}
						key.cancel();
					}
					count += ws.received - before;
				}
				this.selector.selectedKeys().clear();
				long min = Long.MAX_VALUE;
				for (RawWebSocket ws : this.connections) {
					min = Math.min(min, ws.received);
				}
				this.minimum = min;
				this.total = count;
			}
		}
		catch (IOException | RuntimeException ex) {
			if (this.running) {
				this.failure = "subscriber read failed: " + ex;
			}
		}
	}

	@Override
	public void event(RawWebSocket from, long timestampNanos) {
		if (this.recording && timestampNanos >= this.recordFrom) {
			this.histogram.record(timestampNanos, Clock.now());
		}
	}

	@Override
	public void closed(RawWebSocket from, int code) {
		synchronized (this.cut) {
			this.cut.merge(code, 1, Integer::sum);
		}
		if (this.failure == null) {
			this.failure = "a subscriber connection was closed by the server with code " + code;
		}
	}

	/** Events received out of order or twice, over all K sessions. */
	long outOfOrder() {
		return this.connections.stream().mapToLong((ws) -> ws.outOfOrder).sum();
	}

	/** Events missing between received ones (lost), over all K sessions. */
	long gaps() {
		return this.connections.stream().mapToLong((ws) -> ws.gaps).sum();
	}

	/** How many of the K sessions the server has closed (cut) so far. */
	int cut() {
		synchronized (this.cut) {
			return this.cut.values().stream().mapToInt(Integer::intValue).sum();
		}
	}

	/** The cut sessions by close code, for instance {@code 1013 ×3}, or empty. */
	String cutCodes() {
		synchronized (this.cut) {
			StringBuilder out = new StringBuilder();
			this.cut.forEach((code, n) -> out.append(out.isEmpty() ? "" : ", ").append(code).append(" ×").append(n));
			return out.toString();
		}
	}

	int size() {
		return this.connections.size();
	}

	/** Events received by all connections together. */
	long total() {
		return this.total;
	}

	/** Events received by the connection that received the fewest. */
	long minimum() {
		return this.minimum;
	}

	String failure() {
		return this.failure;
	}

	/**
	 * Record the latency of every event stamped at or after the given time, whenever it
	 * arrives, until {@link #stopRecording()}: keep recording through the drain, so that
	 * the events still in flight at the end count with their delay.
	 */
	void startRecording(long stampedFrom) {
		this.recordFrom = stampedFrom;
		this.recording = true;
	}

	void stopRecording() {
		this.recording = false;
	}

	/**
	 * Return the latencies recorded so far; read it once recording has stopped and the
	 * subscribers have drained, so that the reader thread no longer writes it.
	 */
	LatencyHistogram histogram() {
		return this.histogram;
	}

	@Override
	public void close() throws IOException {
		this.running = false;
		this.selector.wakeup();
		try {
			this.reader.join(2000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.selector.close();
		for (RawWebSocket ws : this.connections) {
			ws.close();
		}
	}

}
