package io.pubsubclub.cluster.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

import io.pubsubclub.support.WebSocketWire;

/**
 * A cluster server on a bare socket that accepts every upgrade with a 101 carrying the
 * {@code PubSubClub-Auth} value a test chooses (a server that does not hold the secret
 * posing as a producer), and records what the dialling side sends: the request headers,
 * then each frame as "text:..." or "close:code".
 */
final class FakeClusterServer implements AutoCloseable {

	final BlockingQueue<Map<String, List<String>>> requests = new LinkedBlockingQueue<>();

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final ServerSocket server;

	private final Function<Map<String, List<String>>, String> proof;

	private final Thread thread;

	/**
	 * @param proof the PubSubClub-Auth value for the 101, from the request's headers;
	 * {@code null} for none
	 */
	FakeClusterServer(Function<Map<String, List<String>>, String> proof) throws IOException {
		this.server = new ServerSocket();
		this.server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 10);
		this.proof = proof;
		this.thread = new Thread(this::serve, "fake-cluster-server");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	private void serve() {
		while (!this.server.isClosed()) {
			try (Socket socket = this.server.accept()) {
				socket.setSoTimeout(20_000);
				InputStream in = socket.getInputStream();
				OutputStream out = socket.getOutputStream();
				WebSocketWire.readLine(in);
				Map<String, List<String>> headers = WebSocketWire.readHeaders(in);
				this.requests.add(headers);
				String proof = this.proof.apply(headers);
				out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Accept: " + WebSocketWire.accept(headers.get("sec-websocket-key").get(0)) + "\r\n"
						+ ((proof != null) ? "PubSubClub-Auth: " + proof + "\r\n" : "") + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				DataInputStream data = new DataInputStream(in);
				while (true) {
					WebSocketWire.Frame frame = WebSocketWire.read(data);
					if (frame.opcode() == 0x1) {
						this.frames.add("text:" + frame.text());
					}
					else if (frame.opcode() == 0x8) {
						this.frames.add("close:" + frame.closeCode());
						break;
					}
				}
			}
			catch (Exception ex) {
				// the connection ended; take the next
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.thread.interrupt();
	}

}
