package io.pubsubclub.benchmarks.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes timestamped frames on one connection, either as fast as the subscribers keep up
 * (a bounded window of events not yet received by the slowest subscriber) or at a fixed
 * rate. Each frame is {@code [7,"topic",{"t":NANOS,"s":SEQ,"p":"xxx…"}]}, padded so that the
 * whole frame is about the requested size.
 */
final class Publisher {

	private static final int MAX_BATCH = 64;

	private final RawWebSocket ws;

	private final byte[] prefix;

	private final byte[] suffix;

	private final byte[] payload;

	private final ByteBuffer out;

	private long sequence;

	private final byte[] padding;

	Publisher(RawWebSocket ws, String topic, int frameSize) throws IOException {
		this(ws, "[7,\"" + topic + "\",", "]", frameSize);
	}

	/**
	 * A publisher of other frames: each is {@code prefix}, the event object, {@code suffix}
	 * (for a WAMP v2 PUBLISH, {@link Wamp2Clients#publisher}).
	 */
	Publisher(RawWebSocket ws, String prefix, String suffix, int frameSize) throws IOException {
		this.ws = ws;
		this.prefix = (prefix + "{\"t\":").getBytes(StandardCharsets.US_ASCII);
		this.suffix = ("\"}" + suffix).getBytes(StandardCharsets.US_ASCII);
		// about 11 digits of time and 6 of sequence
		int fixed = this.prefix.length + 11 + ",\"s\":".length() + 6 + ",\"p\":\"".length() + this.suffix.length;
		this.padding = new byte[Math.max(1, frameSize - fixed)];
		Arrays.fill(this.padding, (byte) 'x');
		this.payload = new byte[this.prefix.length + 19 + 5 + 19 + 6 + this.padding.length + this.suffix.length];
		this.out = ByteBuffer.allocate(MAX_BATCH * (this.payload.length + 14));
		ws.channel().configureBlocking(false);
	}

	/** Events published so far. */
	long published() {
		return this.sequence;
	}

	private void appendFrame(long timestamp) {
		byte[] p = this.payload;
		int n = 0;
		System.arraycopy(this.prefix, 0, p, 0, this.prefix.length);
		n += this.prefix.length;
		n = appendLong(p, n, timestamp);
		p[n++] = ',';
		p[n++] = '"';
		p[n++] = 's';
		p[n++] = '"';
		p[n++] = ':';
		n = appendLong(p, n, this.sequence++);
		p[n++] = ',';
		p[n++] = '"';
		p[n++] = 'p';
		p[n++] = '"';
		p[n++] = ':';
		p[n++] = '"';
		System.arraycopy(this.padding, 0, p, n, this.padding.length);
		n += this.padding.length;
		System.arraycopy(this.suffix, 0, p, n, this.suffix.length);
		n += this.suffix.length;
		RawWebSocket.appendTextFrame(this.out, p, n);
	}

	private static int appendLong(byte[] a, int at, long value) {
		if (value == 0) {
			a[at] = '0';
			return at + 1;
		}
		int digits = 0;
		for (long v = value; v > 0; v /= 10) {
			digits++;
		}
		for (int i = at + digits - 1; i >= at; i--) {
			a[i] = (byte) ('0' + (value % 10));
			value /= 10;
		}
		return at + digits;
	}

	/**
	 * Publish one event now (used to probe that subscriptions are in place).
	 */
	void publishOne(long hardDeadline) throws IOException {
		this.out.clear();
		appendFrame(Clock.now());
		flush(hardDeadline);
	}

	/**
	 * Publish as fast as the slowest subscriber receives, keeping at most {@code window}
	 * events in flight, until the deadline.
	 */
	void saturate(Subscribers subscribers, long baseline, int window, long deadline) throws IOException {
		long hardDeadline = deadline + 10_000_000_000L;
		while (Clock.now() < deadline) {
			if (subscribers.failure() != null) {
				return;
			}
			long inFlight = this.sequence - baseline - subscribers.minimum();
			long room = Math.min(MAX_BATCH, window - inFlight);
			if (room <= 0) {
				LockSupport.parkNanos(100_000);
				continue;
			}
			this.out.clear();
			for (int i = 0; i < room; i++) {
				appendFrame(Clock.now());
			}
			flush(hardDeadline);
		}
	}

	/**
	 * Publish at a fixed rate until the deadline. Each event carries the time it was due
	 * by the schedule, not the time it was written: when this program is descheduled or
	 * the socket pushes back, the events written late carry that delay too, instead of
	 * the wait vanishing from every sample (coordinated omission). Events not yet written
	 * at the deadline are not written.
	 */
	void paced(double eventsPerSecond, long deadline) throws IOException {
		long hardDeadline = deadline + 10_000_000_000L;
		double interval = 1e9 / eventsPerSecond;
		long start = Clock.now();
		long sent = 0;
		while (true) {
			long now = Clock.now();
			if (now >= deadline) {
				return;
			}
			long due = (long) ((now - start) / interval) + 1 - sent;
			if (due <= 0) {
				long next = start + (long) (sent * interval);
				LockSupport.parkNanos(Math.max(1000, Math.min(next - now, 200_000)));
				continue;
			}
			this.out.clear();
			for (long i = 0; i < Math.min(due, MAX_BATCH); i++) {
				appendFrame(start + (long) (sent * interval));
				sent++;
			}
			flush(hardDeadline);
		}
	}

	private void flush(long hardDeadline) throws IOException {
		this.out.flip();
		while (this.out.hasRemaining()) {
			if (this.ws.channel().write(this.out) == 0) {
				if (Clock.now() > hardDeadline) {
					throw new IOException("the server stopped reading the publisher's frames");
				}
				LockSupport.parkNanos(50_000);
			}
		}
	}

}
