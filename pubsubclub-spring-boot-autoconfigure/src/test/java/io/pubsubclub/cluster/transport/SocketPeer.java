package io.pubsubclub.cluster.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import io.pubsubclub.support.WebSocketWire;
import io.pubsubclub.support.WebSocketWire.Frame;

/**
 * A cluster server written on a bare socket, so that a test sees every frame the
 * dialling side sends, pings included, and decides whether to answer them. It plays a
 * Python ConsumerServer: it sends 101 as soon as the connection is open.
 */
final class SocketPeer implements AutoCloseable {

	/** The opcode of the last entry in {@link #frames}: the connection ended. */
	static final int ENDED = -1;

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
			WebSocketWire.readLine(in);
			String key = WebSocketWire.readHeaders(in).get("sec-websocket-key").get(0);
			out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Accept: " + WebSocketWire.accept(key) + "\r\n\r\n")
				.getBytes(StandardCharsets.US_ASCII));
			write(out, 0x1, "[101,[1,0],[1,1]]".getBytes(StandardCharsets.UTF_8));
			DataInputStream data = new DataInputStream(in);
			while (true) {
				Frame received = WebSocketWire.read(data);
				int opcode = received.opcode();
				byte[] payload = received.payload();
				if (opcode == 0x1) {
					this.textFrames.incrementAndGet();
				}
				this.frames.add((payload.length > 256) ? Frame.marker(opcode) : received);
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
		this.frames.add(Frame.marker(ENDED));
	}

	/** Read again after a stall: what the far side sent since, its close frame included. */
	void resume() {
		this.resume.countDown();
	}

	/**
	 * The code of the next close frame, skipping the frames before it, or {@link #ENDED}
	 * if the connection ended without one.
	 */
	int awaitCloseCode() throws InterruptedException {
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			Frame frame = this.frames.poll(1, java.util.concurrent.TimeUnit.SECONDS);
			if (frame != null && frame.opcode() == 0x8) {
				return frame.closeCode();
			}
			if (frame != null && frame.opcode() == ENDED) {
				return ENDED;
			}
		}
		throw new AssertionError("no close frame within 20s");
	}

	private static void write(OutputStream out, int opcode, byte[] payload) throws IOException {
		byte[] frame = WebSocketWire.frame(true, 0, opcode, payload, false);
		synchronized (out) {
			out.write(frame);
			out.flush();
		}
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
