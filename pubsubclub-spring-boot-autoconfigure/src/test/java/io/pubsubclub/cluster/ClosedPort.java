package io.pubsubclub.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses every connection for as long as it is held: a socket is
 * bound to it (port 0, read back) and never listens, so nothing else can take the port
 * while a test dials it, and the dial is refused at once.
 */
public final class ClosedPort implements AutoCloseable {

	private final Socket socket = new Socket();

	public ClosedPort() {
		try {
			// without SO_REUSEADDR no other socket can bind the port while this one holds it
			this.socket.setReuseAddress(false);
			this.socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.socket.getLocalPort();
	}

	public PeerAddress address() {
		return new PeerAddress("127.0.0.1", port());
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
