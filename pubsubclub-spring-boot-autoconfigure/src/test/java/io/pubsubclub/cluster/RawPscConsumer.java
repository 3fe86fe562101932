package io.pubsubclub.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A PSC consumer written from PROTOCOL.md alone on a bare socket, as a node in another
 * language would be: it upgrades {@code /}, then exchanges text frames the test chooses.
 * A reader thread queues what arrives; a close frame or the end of the stream queues
 * {@link #CLOSED} followed by nothing. Reading can also be paused (the socket is simply
 * not read), to play a consumer that does not keep up.
 */
final class RawPscConsumer implements AutoCloseable {

	/** Queued once the connection ended. */
	static final String CLOSED = "<closed>";

	private static final SecureRandom random = new SecureRandom();

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final Socket socket;

	private final OutputStream out;

	private volatile int closeCode;

	private RawPscConsumer(Socket socket, boolean read) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
		DataInputStream in = new DataInputStream(socket.getInputStream());
		String status = readLine(in);
		if (!status.startsWith("HTTP/1.1 101")) {
			throw new IOException("upgrade refused: " + status);
		}
		while (!readLine(in).isEmpty()) {
			// the upgrade's headers
		}
		if (read) {
			Thread reader = new Thread(() -> read(in), "raw-psc-consumer");
			reader.setDaemon(true);
			reader.start();
		}
	}

	/**
	 * Connect to a cluster port.
	 * @param port the producer's cluster port on 127.0.0.1
	 * @param read whether to read what arrives (a consumer that never reads passes false)
	 */
	static RawPscConsumer connect(int port, boolean read) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setTcpNoDelay(true);
		if (!read) {
			// a small window, so that the producer's side fills up soon
			socket.setReceiveBufferSize(4096);
		}
		byte[] key = new byte[16];
		random.nextBytes(key);
		String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(key) + "\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		return new RawPscConsumer(socket, read);
	}

	private void read(DataInputStream in) {
		try {
			while (true) {
				int first = in.readUnsignedByte();
				int second = in.readUnsignedByte();
				long length = second & 0x7f;
				if (length == 126) {
					length = in.readUnsignedShort();
				}
				else if (length == 127) {
					length = in.readLong();
				}
				byte[] payload = new byte[(int) length];
				in.readFully(payload);
				int opcode = first & 0x0f;
				if (opcode == 0x1) {
					this.frames.add(new String(payload, StandardCharsets.UTF_8));
				}
				else if (opcode == 0x8) {
					this.closeCode = (payload.length >= 2) ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
					break;
				}
			}
		}
		catch (IOException ex) {
			// the connection ended
		}
		this.frames.add(CLOSED);
	}

	/**
	 * The next frame, or {@code null} when none came within the time.
	 */
	String poll(long millis) throws InterruptedException {
		return this.frames.poll(millis, TimeUnit.MILLISECONDS);
	}

	/** The close code the producer sent, 0 while none came. */
	int closeCode() {
		return this.closeCode;
	}

	synchronized void send(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
		}
		else {
			throw new IllegalArgumentException("frame too long for this client");
		}
		byte[] mask = new byte[4];
		random.nextBytes(mask);
		frame.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frame.toByteArray());
		this.out.flush();
	}

	/** Drop the connection with a TCP reset: no close frame, no FIN. */
	void reset() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		if (c == -1 && line.isEmpty()) {
			throw new IOException("connection closed during the upgrade");
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
