package io.pubsubclub.benchmarks.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal RFC 6455 client over one {@link SocketChannel}: the opening handshake, masked
 * text frames out, unmasked server frames in. It does the least a load generator must do so
 * that the generator, not the server, is never the slow side: frames are written in batches
 * with one system call, and received frames are scanned in place for the timestamp the
 * publisher embedded, never decoded as JSON.
 * <p>
 * The mask key is zero: a valid key (servers XOR with it), chosen so that masking costs
 * nothing. Loopback traffic only, so no proxy can be confused by it.
 * <p>
 * It can offer permessage-deflate (RFC 7692) as browsers do. It never compresses what it
 * sends (a client may always send uncompressed messages); a compressed message from the
 * server (RSV1 set, in one frame) is inflated with a raw {@link Inflater} that lives as long
 * as the connection, which decodes both with and without the server's context takeover.
 */
final class RawWebSocket {

	static final byte[] TIMESTAMP_KEY = "{\"t\":".getBytes(StandardCharsets.US_ASCII);

	static final byte[] SEQUENCE_KEY = ",\"s\":".getBytes(StandardCharsets.US_ASCII);

	/** What a browser offers: Chrome and Firefox send exactly this. */
	static final String DEFLATE_OFFER = "permessage-deflate; client_max_window_bits";

	private static final byte[] DEFLATE_TAIL = { 0, 0, (byte) 0xFF, (byte) 0xFF };

	private final SocketChannel channel;

	private ByteBuffer in = ByteBuffer.allocate(64 * 1024);

	private boolean closed;

	/** Whether the server accepted permessage-deflate in its 101. */
	private boolean deflate;

	private Inflater inflater;

	private byte[] inflated;

	private int inflatedLength;

	/** The close code the server sent, 1006 for a connection dropped without one, or 0. */
	private int closeCode;

	long received;

	private long lastSequence = -1;

	/** Events that came with a sequence number not above the last one (duplicated or reordered). */
	volatile long outOfOrder;

	/** Events missing between two received ones (lost), once the first has come. */
	volatile long gaps;

	/** Compressed messages received (RSV1 set). */
	private long compressed;

	/** Compressed messages that could not be decoded (fragmented or corrupt). */
	long undecoded;

	private RawWebSocket(SocketChannel channel) {
		this.channel = channel;
	}

	/**
	 * Open a connection and complete the opening handshake, blocking.
	 * @param port the server port on 127.0.0.1
	 * @param path the request path
	 * @param subprotocol the subprotocol to offer, or {@code null}
	 * @param timeoutMillis the longest the handshake may take
	 * @return the open connection, in blocking mode
	 * @throws IOException when the server refuses the upgrade or does not answer in time
	 */
	static RawWebSocket open(int port, String path, String subprotocol, long timeoutMillis) throws IOException {
		return open(port, path, subprotocol, timeoutMillis, false);
	}

	/**
	 * Open a connection and complete the opening handshake, blocking.
	 * @param port the server port on 127.0.0.1
	 * @param path the request path
	 * @param subprotocol the subprotocol to offer, or {@code null}
	 * @param timeoutMillis the longest the handshake may take
	 * @param offerDeflate whether to offer permessage-deflate as browsers do
	 * ({@value #DEFLATE_OFFER})
	 * @return the open connection, in blocking mode
	 * @throws IOException when the server refuses the upgrade or does not answer in time
	 */
	static RawWebSocket open(int port, String path, String subprotocol, long timeoutMillis, boolean offerDeflate)
			throws IOException {
		SocketChannel channel = SocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			channel.socket().setSoTimeout((int) timeoutMillis);
			channel.connect(new InetSocketAddress("127.0.0.1", port));
			byte[] key = new byte[16];
			ThreadLocalRandom.current().nextBytes(key);
			StringBuilder request = new StringBuilder(256).append("GET ")
				.append(path)
				.append(" HTTP/1.1\r\nHost: 127.0.0.1:")
				.append(port)
				.append("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ")
				.append(Base64.getEncoder().encodeToString(key))
				.append("\r\nSec-WebSocket-Version: 13\r\n");
			if (subprotocol != null) {
				request.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
			}
			if (offerDeflate) {
				request.append("Sec-WebSocket-Extensions: ").append(DEFLATE_OFFER).append("\r\n");
			}
			request.append("\r\n");
			writeFully(channel, ByteBuffer.wrap(request.toString().getBytes(StandardCharsets.US_ASCII)));
			RawWebSocket ws = new RawWebSocket(channel);
			ws.readHandshakeResponse(port, path, subprotocol, timeoutMillis);
			return ws;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	private void readHandshakeResponse(int port, String path, String subprotocol, long timeoutMillis)
			throws IOException {
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
		// the socket timeout only applies to stream reads, so poll the channel in non-blocking mode
		this.channel.configureBlocking(false);
		while (true) {
			int end = headerEnd();
			if (end >= 0) {
				String head = new String(this.in.array(), 0, end, StandardCharsets.ISO_8859_1);
				if (!head.startsWith("HTTP/1.1 101")) {
					throw new IOException("ws://127.0.0.1:" + port + path + " refused the upgrade: "
							+ head.lines().findFirst().orElse(""));
				}
				String lower = head.toLowerCase(Locale.ROOT);
				if (subprotocol != null && !lower.contains("sec-websocket-protocol: " + subprotocol)) {
					throw new IOException("ws://127.0.0.1:" + port + path + " did not select subprotocol " + subprotocol);
				}
				this.deflate = lower.lines()
					.anyMatch((line) -> line.startsWith("sec-websocket-extensions:") && line.contains("permessage-deflate"));
				this.in.flip();
				this.in.position(end + 4);
				this.in.compact();
				this.channel.configureBlocking(true);
				return;
			}
			if (System.nanoTime() > deadline) {
				throw new IOException("ws://127.0.0.1:" + port + path + " did not answer the upgrade in time");
			}
			int n = this.channel.read(this.in);
			if (n < 0) {
				throw new EOFException("ws://127.0.0.1:" + port + path + " closed during the handshake");
			}
			if (n == 0) {
				Thread.onSpinWait();
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted", ex);
				}
			}
		}
	}

	private int headerEnd() {
		byte[] a = this.in.array();
		for (int i = 0; i + 3 < this.in.position(); i++) {
			if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
				return i;
			}
		}
		return -1;
	}

	SocketChannel channel() {
		return this.channel;
	}

	boolean isClosed() {
		return this.closed;
	}

	/** Whether the server accepted permessage-deflate. */
	boolean deflate() {
		return this.deflate;
	}

	/** Messages received compressed (permessage-deflate, RSV1 set). */
	long compressedMessages() {
		return this.compressed;
	}

	/** The close code the server sent, 1006 when it dropped the connection without one, 0 while open. */
	int closeCode() {
		return this.closeCode;
	}

	/**
	 * Wait, bounded, for the server's first text message (a WAMP WELCOME) and return it,
	 * inflated if it came compressed. Leaves the connection in blocking mode.
	 * @throws IOException when none comes in time or the connection closes
	 */
	String awaitFirstText(long timeoutMillis) throws IOException {
		long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
		String[] text = new String[1];
		FrameSink sink = new FrameSink() {
			@Override
			public void event(RawWebSocket from, long timestampNanos) {
			}

			@Override
			public void text(RawWebSocket from, byte[] a, int offset, int length) {
				if (text[0] == null) {
					text[0] = new String(a, offset, length, StandardCharsets.UTF_8);
				}
			}

			@Override
			public void closed(RawWebSocket from, int code) {
			}
		};
		this.channel.configureBlocking(false);
		try {
			while (text[0] == null) {
				if (!readAvailable(sink)) {
					throw new EOFException("closed (" + this.closeCode + ") before the first message");
				}
				if (text[0] != null) {
					break;
				}
				if (System.nanoTime() > deadline) {
					throw new IOException("no message within " + timeoutMillis + " ms of the handshake");
				}
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException("interrupted", ex);
				}
			}
			return text[0];
		}
		finally {
			if (this.channel.isOpen()) {
				this.channel.configureBlocking(true);
			}
		}
	}

	/**
	 * Append one masked text frame (mask key zero) holding {@code payload[0, length)} to
	 * {@code out}, which must have room for {@code length + 14} bytes.
	 */
	static void appendTextFrame(ByteBuffer out, byte[] payload, int length) {
		out.put((byte) 0x81);
		if (length < 126) {
			out.put((byte) (0x80 | length));
		}
		else if (length < 65536) {
			out.put((byte) (0x80 | 126));
			out.putShort((short) length);
		}
		else {
			out.put((byte) (0x80 | 127));
			out.putLong(length);
		}
		out.putInt(0);
		out.put(payload, 0, length);
	}

	void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteBuffer out = ByteBuffer.allocate(payload.length + 14);
		appendTextFrame(out, payload, payload.length);
		out.flip();
		writeFully(this.channel, out);
	}

	void write(ByteBuffer frames) throws IOException {
		writeFully(this.channel, frames);
	}

	private static void writeFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	/**
	 * Read what the channel has (non-blocking mode) and hand every complete text frame
	 * carrying a timestamp to the sink.
	 * @return {@code false} once the connection is closed
	 */
	boolean readAvailable(FrameSink sink) throws IOException {
		if (this.closed) {
			return false;
		}
		int n;
		do {
			if (!this.in.hasRemaining()) {
				ByteBuffer bigger = ByteBuffer.allocate(this.in.capacity() * 2);
				this.in.flip();
				bigger.put(this.in);
				this.in = bigger;
			}
			n = this.channel.read(this.in);
			if (n < 0) {
				if (!this.closed) {
					this.closed = true;
					this.closeCode = 1006;
					sink.closed(this, 1006);
				}
				return false;
			}
			parseFrames(sink);
		}
		while (n > 0 && !this.closed);
		return !this.closed;
	}

	/**
	 * Parse complete frames already in the buffer. A server never masks, so a frame is a
	 * 2 to 10 byte header and its payload.
	 */
	private void parseFrames(FrameSink sink) throws IOException {
		this.in.flip();
		byte[] a = this.in.array();
		int pos = this.in.position();
		int limit = this.in.limit();
		while (limit - pos >= 2) {
			int b0 = a[pos] & 0xFF;
			int b1 = a[pos + 1] & 0x7F;
			int header = 2;
			long length = b1;
			if (b1 == 126) {
				if (limit - pos < 4) {
					break;
				}
				length = ((a[pos + 2] & 0xFF) << 8) | (a[pos + 3] & 0xFF);
				header = 4;
			}
			else if (b1 == 127) {
				if (limit - pos < 10) {
					break;
				}
				length = 0;
				for (int i = 0; i < 8; i++) {
					length = (length << 8) | (a[pos + 2 + i] & 0xFF);
				}
				header = 10;
			}
			if (limit - pos - header < length) {
				break;
			}
			int start = pos + header;
			int opcode = b0 & 0x0F;
			if (opcode == 0x8) {
				this.closed = true;
				this.closeCode = length >= 2 ? ((a[start] & 0xFF) << 8) | (a[start + 1] & 0xFF) : 1005;
				sink.closed(this, this.closeCode);
				break;
			}
			if (opcode == 0x9) {
				// answer a ping with a pong carrying the same payload
				ByteBuffer pong = ByteBuffer.allocate((int) length + 6);
				pong.put((byte) 0x8A).put((byte) (0x80 | length)).putInt(0).put(a, start, (int) length).flip();
				// in non-blocking mode, spinning: the channel may be registered with a selector,
				// and then a switch to blocking mode fails (IllegalBlockingModeException)
				writeFully(this.channel, pong);
			}
			else if ((b0 & 0x40) != 0 && this.deflate) {
				// compressed (RSV1): decodable when the whole message is this one frame
				this.compressed++;
				if (opcode == 0x1 && (b0 & 0x80) != 0 && inflate(a, start, (int) length)) {
					text(sink, this.inflated, 0, this.inflatedLength);
				}
				else {
					this.undecoded++;
				}
			}
			else if (opcode == 0x1 || opcode == 0x0) {
				text(sink, a, start, (int) length);
			}
			pos = start + (int) length;
		}
		this.in.position(pos);
		this.in.compact();
	}

	private void text(FrameSink sink, byte[] a, int start, int length) {
		long t = timestamp(a, start, start + length);
		if (t != Long.MIN_VALUE) {
			this.received++;
			long sequence = number(a, start, start + length, SEQUENCE_KEY, 96);
			if (sequence != Long.MIN_VALUE) {
				// one publisher per topic, so each session must see its sequence numbers rise by one
				if (this.lastSequence >= 0 && sequence <= this.lastSequence) {
					this.outOfOrder++;
				}
				else if (this.lastSequence >= 0 && sequence > this.lastSequence + 1) {
					this.gaps += sequence - this.lastSequence - 1;
				}
				this.lastSequence = Math.max(this.lastSequence, sequence);
			}
			sink.event(this, t);
		}
		else {
			sink.text(this, a, start, length);
		}
	}

	/** Inflate one compressed message into {@link #inflated}, appending the tail RFC 7692 strips. */
	private boolean inflate(byte[] a, int start, int length) {
		if (this.inflater == null) {
			this.inflater = new Inflater(true);
			this.inflated = new byte[4096];
		}
		byte[] input = new byte[length + DEFLATE_TAIL.length];
		System.arraycopy(a, start, input, 0, length);
		System.arraycopy(DEFLATE_TAIL, 0, input, length, DEFLATE_TAIL.length);
		this.inflater.setInput(input);
		int n = 0;
		try {
			while (true) {
				if (n == this.inflated.length) {
					this.inflated = java.util.Arrays.copyOf(this.inflated, n * 2);
				}
				int got = this.inflater.inflate(this.inflated, n, this.inflated.length - n);
				n += got;
				if (got == 0) {
					// the output had room: all the input is consumed (or a dictionary is asked for)
					break;
				}
			}
		}
		catch (DataFormatException ex) {
			return false;
		}
		this.inflatedLength = n;
		return true;
	}

	/**
	 * Find {@code {"t":} followed by digits in the frame and parse them.
	 * @return the timestamp, or {@code Long.MIN_VALUE} when the frame carries none
	 */
	static long timestamp(byte[] a, int from, int to) {
		return number(a, from, to, TIMESTAMP_KEY, 64);
	}

	/**
	 * The number after {@code key} within the first {@code window} bytes from {@code from},
	 * or {@code Long.MIN_VALUE}.
	 */
	private static long number(byte[] a, int from, int to, byte[] key, int window) {
		int last = Math.min(to - key.length, from + window);
		outer: for (int i = from; i <= last; i++) {
			for (int j = 0; j < key.length; j++) {
				if (a[i + j] != key[j]) {
					continue outer;
				}
			}
			long value = 0;
			int k = i + key.length;
			boolean digits = false;
			while (k < to && a[k] >= '0' && a[k] <= '9') {
				value = value * 10 + (a[k] - '0');
				k++;
				digits = true;
			}
			return digits ? value : Long.MIN_VALUE;
		}
		return Long.MIN_VALUE;
	}

	void close() {
		this.closed = true;
		if (this.inflater != null) {
			this.inflater.end();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// closing is best effort at the end of a run
		}
	}

	interface FrameSink {

		void event(RawWebSocket from, long timestampNanos);

		/** A text message that carries no timestamp (a WELCOME, for instance). */
		default void text(RawWebSocket from, byte[] a, int offset, int length) {
		}

		void closed(RawWebSocket from, int code);

	}

}
