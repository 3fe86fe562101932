package io.pubsubclub.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on loopback between a dialling node and a cluster server, that a test can
 * cut mid-stream: with a TCP reset (no close frame, no FIN) or a clean close (FIN, still
 * no WebSocket close frame), and that can refuse new connections for a while.
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int targetPort;

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicInteger connections = new AtomicInteger();

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

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				if (this.refusing) {
					reset(client);
					continue;
				}
				Socket target = new Socket();
				target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.targetPort), 5000);
				client.setTcpNoDelay(true);
				target.setTcpNoDelay(true);
				this.sockets.add(client);
				this.sockets.add(target);
				this.connections.incrementAndGet();
				pump(client, target);
				pump(target, client);
			}
			catch (IOException ex) {
				// closed, or the target refused: the dialler sees the connection fail
			}
		}
	}

	private void pump(Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					out.write(buffer, 0, read);
					out.flush();
				}
				to.shutdownOutput();
			}
			catch (IOException ex) {
				// cut
			}
		}, "tcp-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	/** Cut every connection with a TCP reset, as a crashed link or middlebox would. */
	public void reset() {
		for (Socket socket : this.sockets) {
			reset(socket);
		}
		this.sockets.clear();
	}

	/** Cut every connection with a clean TCP close (FIN), without a WebSocket close. */
	public void closeCleanly() {
		for (Socket socket : this.sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}
		this.sockets.clear();
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

}
