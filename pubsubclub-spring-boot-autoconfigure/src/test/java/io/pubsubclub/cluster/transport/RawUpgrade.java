package io.pubsubclub.cluster.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
		byte[] keyBytes = new byte[16];
		random.nextBytes(keyBytes);
		StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(keyBytes) + "\r\n");
		for (String header : extraHeaders) {
			request.append(header).append("\r\n");
		}
		request.append("\r\n");
		socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
		socket.getOutputStream().flush();
		DataInputStream in = new DataInputStream(socket.getInputStream());
		String statusLine = readLine(in);
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		Map<String, List<String>> headers = readHeaders(in);
		return new RawUpgrade(socket, status, headers, in);
	}

	/** Every header line up to the blank line, names in lower case. */
	static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
				.add(line.substring(colon + 1).trim());
		}
		return headers;
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
		return (char) first + readLine(this.in);
	}

	void sendText(String text) throws IOException {
		byte[] payload = text.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x81);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
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

	/** The next text frame (server frames are not masked). */
	String readText() throws IOException {
		while (true) {
			int first = this.in.readUnsignedByte();
			int second = this.in.readUnsignedByte();
			long length = second & 0x7f;
			if (length == 126) {
				length = this.in.readUnsignedShort();
			}
			else if (length == 127) {
				length = this.in.readLong();
			}
			byte[] payload = new byte[(int) length];
			this.in.readFully(payload);
			if ((first & 0x0f) == 0x1) {
				return new String(payload, StandardCharsets.UTF_8);
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
				int first = this.in.readUnsignedByte();
				int second = this.in.readUnsignedByte();
				long length = second & 0x7f;
				if (length == 126) {
					length = this.in.readUnsignedShort();
				}
				else if (length == 127) {
					length = this.in.readLong();
				}
				byte[] payload = new byte[(int) length];
				this.in.readFully(payload);
				if ((first & 0x0f) == 0x8) {
					return (payload.length >= 2) ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
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

	static String accept(String key) throws Exception {
		return Base64.getEncoder()
			.encodeToString(MessageDigest.getInstance("SHA-1")
				.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
	}

	static String readLine(InputStream in) throws IOException {
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
		this.socket.close();
	}

}
