package io.pubsubclub.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault-injecting TCP proxy on loopback between a dialling node and a cluster server.
 * A test can cut its connections with a TCP reset (no close frame, no FIN) or a clean
 * close (FIN, still no WebSocket close frame), refuse new connections for a while, and:
 * <ul>
 * <li>{@link #cutMidFrame()}: forward half of the next chunk read either way, then reset
 * the connection: the far side's decoder is left inside a frame;</li>
 * <li>{@link #stall(Duration)}: forward no byte either way for a while (what was sent
 * meanwhile waits in the proxy and the sockets' buffers, then flows on);</li>
 * <li>{@link #trickle(int)}: forward at most so many bytes a second each way;</li>
 * <li>{@link #blackHole(boolean)}: accept everything and deliver nothing, close nothing
 * (new connections too): only a ping timeout can tell;</li>
 * <li>{@link #target(int)}: send new connections to another port (a server restarted
 * elsewhere behind the same address).</li>
 * </ul>
 * Bounds: at most {@value #MAX_CONNECTIONS} connections at once (more are reset on
 * accept), two daemon threads and one 16 KB buffer per connection; nothing is queued
 * in the proxy beyond the one chunk each pump holds.
 */
public final class TcpProxy implements AutoCloseable {

	static final int MAX_CONNECTIONS = 64;

	private final ServerSocket server;

	private volatile int targetPort;

	private final List<Connection> open = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicLong forwarded = new AtomicLong();

	private final AtomicLong discarded = new AtomicLong();

	private final AtomicBoolean cutNext = new AtomicBoolean();

	private volatile long stalledUntil;

	private volatile int bytesPerSecond;

	private volatile boolean blackHole;

	private volatile boolean refusing;

	private volatile boolean closed;

	public TcpProxy(int targetPort) throws IOException {
		this.targetPort = targetPort;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread acceptor = new Thread(this::accept, "tcp-proxy-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public PeerAddress address() {
		return new PeerAddress("127.0.0.1", this.server.getLocalPort());
	}

	/** Connections accepted and forwarded so far. */
	public int connections() {
		return this.connections.get();
	}

	/** Bytes forwarded so far, both ways. */
	public long forwarded() {
		return this.forwarded.get();
	}

	/** Bytes swallowed by the black hole so far. */
	public long discarded() {
		return this.discarded.get();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				if (this.refusing || this.open.size() >= MAX_CONNECTIONS) {
					reset(client);
					continue;
				}
				client.setTcpNoDelay(true);
				this.connections.incrementAndGet();
				if (this.blackHole) {
					// accepted, and nothing ever reaches the server
					Connection connection = new Connection(client, null);
					this.open.add(connection);
					pump(connection, client, null);
					continue;
				}
				Socket target = new Socket();
				target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
				target.setTcpNoDelay(true);
				Connection connection = new Connection(client, target);
				this.open.add(connection);
				pump(connection, client, target);
				pump(connection, target, client);
			}
			catch (IOException ex) {
				// closed, or the target refused: the dialler sees the connection fail
			}
		}
	}

	private void pump(Connection connection, Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream()) {
				OutputStream out = (to != null) ? to.getOutputStream() : OutputStream.nullOutputStream();
				int read;
				while (true) {
					awaitUnstalled();
					read = in.read(buffer);
					if (read < 0) {
						break;
					}
					awaitUnstalled();
					if (this.blackHole || to == null) {
						this.discarded.addAndGet(read);
						continue;
					}
					if (read >= 2 && this.cutNext.compareAndSet(true, false)) {
						out.write(buffer, 0, read / 2);
						out.flush();
						this.forwarded.addAndGet(read / 2);
						connection.reset();
						return;
					}
					write(out, buffer, read);
				}
				if (!this.blackHole && to != null) {
					to.shutdownOutput();
				}
			}
			catch (IOException ex) {
				// cut
			}
			finally {
				connection.pumpEnded(this.open);
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	private void write(OutputStream out, byte[] buffer, int length) throws IOException {
		int rate = this.bytesPerSecond;
		if (rate <= 0) {
			out.write(buffer, 0, length);
			out.flush();
			this.forwarded.addAndGet(length);
			return;
		}
		// a slice every 50 ms
		int slice = Math.max(1, rate / 20);
		for (int offset = 0; offset < length; offset += slice) {
			int n = Math.min(slice, length - offset);
			out.write(buffer, offset, n);
			out.flush();
			this.forwarded.addAndGet(n);
			LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
		}
	}

	private void awaitUnstalled() {
		long remaining;
		while ((remaining = this.stalledUntil - System.nanoTime()) > 0 && !this.closed) {
			LockSupport.parkNanos(Math.min(remaining, Duration.ofMillis(10).toNanos()));
		}
	}

	/** Cut every connection with a TCP reset, as a crashed link or middlebox would. */
	public void reset() {
		for (Connection connection : this.open) {
			connection.reset();
		}
		this.open.clear();
	}

	/** Cut every connection with a clean TCP close (FIN), without a WebSocket close. */
	public void closeCleanly() {
		for (Connection connection : this.open) {
			connection.close();
		}
		this.open.clear();
	}

	/**
	 * Forward half of the next chunk read (of two bytes or more, either way), then reset
	 * that connection: the reader on the far side is left inside a frame.
	 */
	public void cutMidFrame() {
		this.cutNext.set(true);
	}

	/** Whether a {@link #cutMidFrame()} is still waiting for a chunk to cut. */
	public boolean cutPending() {
		return this.cutNext.get();
	}

	/** Forward no byte either way, on every connection, for the given time from now. */
	public void stall(Duration duration) {
		this.stalledUntil = System.nanoTime() + duration.toNanos();
	}

	/** Forward at most the given bytes a second each way; 0 for full speed. */
	public void trickle(int bytesPerSecond) {
		this.bytesPerSecond = bytesPerSecond;
	}

	/**
	 * Swallow everything from now on, on open and new connections, and close nothing
	 * (a FIN is swallowed too); with false, bytes flow again on the connections still
	 * open, what was swallowed is gone, and connections accepted meanwhile (never
	 * connected to the server) stay holes until their client gives up.
	 */
	public void blackHole(boolean on) {
		this.blackHole = on;
	}

	/** Forward new connections to this port from now on. */
	public void target(int port) {
		this.targetPort = port;
	}

	/** Refuse (reset) new connections until {@link #accept(boolean)} is called with true. */
	public void refuse() {
		this.refusing = true;
	}

	public void accept(boolean accept) {
		this.refusing = !accept;
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
			socket.close();
		}
		catch (IOException ex) {
			// closed already
		}
	}

	@Override
	public void close() throws IOException {
		this.closed = true;
		this.server.close();
		reset();
	}

	/** A client's connection and the proxy's connection to the target for it. */
	private static final class Connection {

		private final Socket client;

		private final Socket target;

		private final AtomicInteger pumps;

		Connection(Socket client, Socket target) {
			this.client = client;
			this.target = target;
			this.pumps = new AtomicInteger((target != null) ? 2 : 1);
		}

		void reset() {
			TcpProxy.reset(this.client);
			if (this.target != null) {
				TcpProxy.reset(this.target);
			}
		}

		void close() {
			closeQuietly(this.client);
			if (this.target != null) {
				closeQuietly(this.target);
			}
		}

		void pumpEnded(List<Connection> open) {
			if (this.pumps.decrementAndGet() == 0) {
				close();
				open.remove(this);
			}
		}

		private static void closeQuietly(Socket socket) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

	}

}
