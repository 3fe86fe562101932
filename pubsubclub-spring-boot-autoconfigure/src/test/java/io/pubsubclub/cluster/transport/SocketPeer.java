package io.pubsubclub.cluster.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A cluster server written on a bare socket, so that a test sees every frame the
 * dialling side sends, pings included, and decides whether to answer them. It plays a
 * Python ConsumerServer: it sends 101 as soon as the connection is open.
 */
final class SocketPeer implements AutoCloseable {

	/** A received frame: its opcode and payload (text frames decoded). */
	record Frame(int opcode, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return ((this.payload[0] & 0xff) << 8) | (this.payload[1] & 0xff);
		}

	}

	final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	final java.util.concurrent.atomic.AtomicInteger textFrames = new java.util.concurrent.atomic.AtomicInteger();

	private final ServerSocket server;

	private final boolean answerPings;

	private final Thread thread;

	private final java.util.List<String> afterWelcome;

	private final boolean stall;

	private final java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);

	private volatile Socket socket;

	SocketPeer(boolean answerPings) throws IOException {
		this(answerPings, java.util.List.of(), false);
	}

	/**
	 * @param answerPings whether to answer pings
	 * @param afterWelcome frames to send once the 102 came
	 * @param stall whether to stop reading once the 102 came, until {@link #resume()}
	 */
	SocketPeer(boolean answerPings, java.util.List<String> afterWelcome, boolean stall) throws IOException {
		this.server = new ServerSocket();
		if (stall) {
			// a small window, so that a stalled reader pushes back quickly
			this.server.setReceiveBufferSize(8192);
		}
		this.server.bind(new java.net.InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
		this.answerPings = answerPings;
		this.afterWelcome = afterWelcome;
		this.stall = stall;
		this.thread = new Thread(this::serve, "socket-peer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	String address() {
		return "127.0.0.1:" + this.server.getLocalPort();
	}

	private void serve() {
		try (Socket socket = this.server.accept()) {
			this.socket = socket;
			InputStream in = socket.getInputStream();
			OutputStream out = socket.getOutputStream();
			String key = null;
			for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
				if (line.toLowerCase().startsWith("sec-websocket-key:")) {
					key = line.substring(line.indexOf(':') + 1).trim();
				}
			}
			String accept = Base64.getEncoder()
				.encodeToString(MessageDigest.getInstance("SHA-1")
					.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
			out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + accept + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			write(out, 0x1, "[101,[1,0],[1,1]]".getBytes(StandardCharsets.UTF_8));
			DataInputStream data = new DataInputStream(in);
			while (true) {
				int first = data.readUnsignedByte();
				int second = data.readUnsignedByte();
				long length = second & 0x7f;
				if (length == 126) {
					length = data.readUnsignedShort();
				}
				else if (length == 127) {
					length = data.readLong();
				}
				byte[] mask = new byte[4];
				if ((second & 0x80) != 0) {
					data.readFully(mask);
				}
				byte[] payload = new byte[(int) length];
				data.readFully(payload);
				for (int i = 0; i < payload.length; i++) {
					payload[i] ^= mask[i % 4];
				}
				int opcode = first & 0x0f;
				if (opcode == 0x1) {
					this.textFrames.incrementAndGet();
				}
				this.frames.add(new Frame(opcode, (payload.length > 256) ? new byte[0] : payload));
				if (opcode == 0x1 && payload.length > 4 && payload[1] == '1' && payload[3] == '2') {
					for (String frame : this.afterWelcome) {
						if (frame.startsWith("PING:")) {
							write(out, 0x9, frame.substring(5).getBytes(StandardCharsets.UTF_8));
						}
						else {
							write(out, 0x1, frame.getBytes(StandardCharsets.UTF_8));
						}
					}
					if (this.stall) {
						this.resume.await();
					}
				}
				if (opcode == 0x9 && this.answerPings) {
					write(out, 0xA, payload);
				}
				if (opcode == 0x8) {
					return;
				}
			}
		}
		catch (Exception ex) {
			// the connection ended
		}
	}

	/** Read again after a stall: what the far side sent since, its close frame included. */
	void resume() {
		this.resume.countDown();
	}

	/** The code of the next close frame, skipping the frames before it. */
	int awaitCloseCode() throws InterruptedException {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			Frame frame = this.frames.poll(1, java.util.concurrent.TimeUnit.SECONDS);
			if (frame != null && frame.opcode() == 0x8) {
				return frame.closeCode();
			}
		}
		throw new AssertionError("no close frame within 20s");
	}

	private static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x80 | opcode);
		if (payload.length < 126) {
			frame.write(payload.length);
		}
		else {
			frame.write(126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
		}
		frame.write(payload);
		synchronized (out) {
			out.write(frame.toByteArray());
			out.flush();
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int c;
		while ((c = in.read()) != -1 && c != '\n') {
			if (c != '\r') {
				line.append((char) c);
			}
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		this.thread.interrupt();
		Socket socket = this.socket;
		if (socket != null) {
			socket.close();
		}
		this.server.close();
	}

}
