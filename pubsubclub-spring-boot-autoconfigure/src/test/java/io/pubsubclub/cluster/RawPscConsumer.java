package io.pubsubclub.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.pubsubclub.support.WebSocketWire;

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

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final Socket socket;

	private final OutputStream out;

	private volatile int closeCode;

	private RawPscConsumer(Socket socket, boolean read) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
		DataInputStream in = new DataInputStream(socket.getInputStream());
		String status = WebSocketWire.readLine(in);
		if (!status.startsWith("HTTP/1.1 101")) {
			throw new IOException("upgrade refused: " + status);
		}
		WebSocketWire.readHeaders(in);
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
		socket.getOutputStream()
			.write(WebSocketWire.upgradeRequest(port, "/", "").getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		return new RawPscConsumer(socket, read);
	}

	private void read(DataInputStream in) {
		try {
			while (true) {
				WebSocketWire.Frame frame = WebSocketWire.read(in);
				if (frame.opcode() == 0x1) {
					this.frames.add(frame.text());
				}
				else if (frame.opcode() == 0x8) {
					this.closeCode = frame.closeCode();
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
		this.out.write(WebSocketWire.clientText(text));
		this.out.flush();
	}

	/** Drop the connection with a TCP reset: no close frame, no FIN. */
	void reset() throws IOException {
		this.socket.setSoLinger(true, 0);
		this.socket.close();
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
