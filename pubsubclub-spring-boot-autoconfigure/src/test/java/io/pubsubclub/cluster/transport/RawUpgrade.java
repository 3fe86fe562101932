package io.pubsubclub.cluster.transport;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.pubsubclub.support.WebSocketWire;

/**
 * A WebSocket upgrade written by hand on a bare socket, as an implementation written
 * from PROTOCOL.md alone would send it: the test chooses every header, sees the status
 * line and headers of the answer, and, after a 101, exchanges text frames.
 */
final class RawUpgrade implements AutoCloseable {

	private static final SecureRandom random = new SecureRandom();

	final int status;

	final Map<String, List<String>> headers;

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	private RawUpgrade(Socket socket, int status, Map<String, List<String>> headers, DataInputStream in)
			throws IOException {
		this.socket = socket;
		this.status = status;
		this.headers = headers;
		this.in = in;
		this.out = socket.getOutputStream();
	}

	/**
	 * Upgrade {@code /} of 127.0.0.1:port with these extra header lines.
	 */
	static RawUpgrade open(int port, String... extraHeaders) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10_000);
		StringBuilder headerLines = new StringBuilder();
		for (String header : extraHeaders) {
			headerLines.append(header).append("\r\n");
		}
		socket.getOutputStream()
			.write(WebSocketWire.upgradeRequest(port, "/", headerLines.toString()).getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		DataInputStream in = new DataInputStream(socket.getInputStream());
		String statusLine = WebSocketWire.readLine(in);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, List<String>> headers = WebSocketWire.readHeaders(in);
		return new RawUpgrade(socket, status, headers, in);
	}

	String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values != null) ? values.get(0) : null;
	}

	/**
	 * After a refusal: skip its body, ask again for something on the same connection,
	 * and return the first line that comes back; it is an HTTP status line, or
	 * {@code null} when the server closed the connection, so that nothing (no frame) came
	 * in between.
	 */
	String nextAfterRefusal() throws IOException {
		String length = header("Content-Length");
		if (length != null) {
			this.in.readFully(new byte[Integer.parseInt(length)]);
		}
		try {
			this.out.write("GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
				.getBytes(StandardCharsets.ISO_8859_1));
			this.out.flush();
		}
		catch (IOException ex) {
			return null;
		}
		int first = this.in.read();
		if (first == -1) {
			return null;
		}
		return (char) first + WebSocketWire.readLine(this.in);
	}

	void sendText(String text) throws IOException {
		this.out.write(WebSocketWire.clientText(text));
		this.out.flush();
	}

	/** The next text frame (server frames are not masked). */
	String readText() throws IOException {
		while (true) {
			WebSocketWire.Frame frame = WebSocketWire.read(this.in);
			if (frame.opcode() == 0x1) {
				return frame.text();
			}
		}
	}

	/**
	 * Read on until a close frame, skipping everything else.
	 * @return its close code, or {@code -1} if the connection ended without one
	 */
	int readUntilClose() throws IOException {
		try {
			while (true) {
				WebSocketWire.Frame frame = WebSocketWire.read(this.in);
				if (frame.opcode() == 0x8) {
					return frame.closeCode();
				}
			}
		}
		catch (java.io.EOFException | java.net.SocketException ex) {
			return -1;
		}
	}

	/** A PubSubClub-Auth header line made from PROTOCOL.md's text, not from the code. */
	static String token(String secret, long node, long ts, String nonce) throws Exception {
		return "PubSubClub-Auth: v1 node=" + node + " ts=" + ts + " nonce=" + nonce + " mac="
				+ hmac(secret, "psc-auth-v1|" + node + "|" + ts + "|" + nonce);
	}

	static String nonce() {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		return java.util.HexFormat.of().formatHex(bytes);
	}

	static String hmac(String secret, String data) throws Exception {
		Mac mac = Mac.getInstance("HmacSHA256");
		mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
		return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
