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
				RawUpgrade.readLine(in);
				Map<String, List<String>> headers = RawUpgrade.readHeaders(in);
				this.requests.add(headers);
				String proof = this.proof.apply(headers);
				out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
						+ "Sec-WebSocket-Accept: " + RawUpgrade.accept(headers.get("sec-websocket-key").get(0)) + "\r\n"
						+ ((proof != null) ? "PubSubClub-Auth: " + proof + "\r\n" : "") + "\r\n")
					.getBytes(StandardCharsets.US_ASCII));
				out.flush();
				DataInputStream data = new DataInputStream(in);
				while (true) {
					int first = data.readUnsignedByte();
					int second = data.readUnsignedByte();
					int length = second & 0x7f;
					if (length == 126) {
						length = data.readUnsignedShort();
					}
					byte[] mask = new byte[4];
					if ((second & 0x80) != 0) {
						data.readFully(mask);
					}
					byte[] payload = new byte[length];
					data.readFully(payload);
					for (int i = 0; i < payload.length; i++) {
						payload[i] ^= mask[i % 4];
					}
					int opcode = first & 0x0f;
					if (opcode == 0x1) {
						this.frames.add("text:" + new String(payload, StandardCharsets.UTF_8));
					}
					else if (opcode == 0x8) {
						int code = (payload.length >= 2) ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
						this.frames.add("close:" + code);
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
