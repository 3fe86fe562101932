package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A WebSocket client on a bare socket that sends whatever frames a test builds, well
 * formed or not, and reads the server's frames one by one. Loopback only.
 */
final class RawWebSocket implements AutoCloseable {

	/** A frame from the server. */
	record Frame(boolean fin, int rsv, int opcode, byte[] payload) {

		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return (this.payload.length < 2) ? 1005 : ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

		String closeReason() {
			return (this.payload.length < 2) ? ""
					: new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}

	}

	private static final SecureRandom random = new SecureRandom();

	private final Socket socket;

	private final DataInputStream in;

	private final OutputStream out;

	final int status;

	final Map<String, String> headers = new LinkedHashMap<>();

	private RawWebSocket(int port, String path, String extraHeaders) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout(10_000);
		this.socket.setTcpNoDelay(true);
		this.in = new DataInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
		byte[] nonce = new byte[16];
		random.nextBytes(nonce);
		String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
		this.out.write(request.getBytes(StandardCharsets.ISO_8859_1));
		this.out.flush();
		String statusLine = line();
		this.status = Integer.parseInt(statusLine.split(" ")[1]);
		for (String line = line(); !line.isEmpty(); line = line()) {
			int colon = line.indexOf(':');
			this.headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
	}

	/**
	 * Open a WAMP session, offering permessage-deflate as browsers do.
	 */
	static RawWebSocket wamp(int port) throws IOException {
		return open(port, "/wamp",
				"Sec-WebSocket-Protocol: wamp\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
	}

	static RawWebSocket open(int port, String path, String extraHeaders) throws IOException {
		return new RawWebSocket(port, path, extraHeaders);
	}

	private String line() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != '\n') {
			if (b < 0) {
				throw new EOFException("Connection closed during the handshake");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

	void sendText(String text) throws IOException {
		send(true, 0, 1, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * Send one frame as built: FIN bit, reserved bits, opcode, payload, masked or not.
	 */
	void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
		this.out.write(frame(fin, rsv, opcode, payload, masked));
		this.out.flush();
	}

	static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
		int maskBit = masked ? 0x80 : 0;
		if (payload.length < 126) {
			frame.write(maskBit | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(maskBit | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(maskBit | 127);
			for (int i = 7; i >= 0; i--) {
				frame.write((int) ((long) payload.length >>> (8 * i)));
			}
		}
		byte[] mask = new byte[4];
		if (masked) {
			random.nextBytes(mask);
			frame.writeBytes(mask);
		}
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		return frame.toByteArray();
	}

	/** Write raw bytes, several frames at once or a frame cut anywhere. */
	void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Whether {@link #next()} answers the server's pings with pongs and skips them, as
	 * browsers do; a test of a client that answers nothing turns it off.
	 */
	boolean answerPings = true;

	Frame next() throws IOException {
		while (true) {
			Frame frame = nextFrame();
			if (frame.opcode() != 9 || !this.answerPings) {
				return frame;
			}
			send(true, 0, 10, frame.payload(), true);
		}
	}

	private Frame nextFrame() throws IOException {
		int first = this.in.readUnsignedByte();
		int second = this.in.readUnsignedByte();
		if ((second & 0x80) != 0) {
			throw new IOException("Server frame masked");
		}
		long length = second & 0x7F;
		if (length == 126) {
			length = this.in.readUnsignedShort();
		}
		else if (length == 127) {
			length = this.in.readLong();
		}
		byte[] payload = new byte[(int) length];
		this.in.readFully(payload);
		return new Frame((first & 0x80) != 0, (first >>> 4) & 7, first & 0x0F, payload);
	}

	/**
	 * The next text message, assembled from its fragments (a container may fragment what it
	 * sends), skipping control frames other than close.
	 */
	String nextText() throws IOException {
		ByteArrayOutputStream message = null;
		while (true) {
			Frame frame = next();
			if (frame.opcode() == 8) {
				throw new IOException("Closed " + frame.closeCode() + " " + frame.closeReason());
			}
			if (frame.opcode() == 1 || (frame.opcode() == 0 && message != null)) {
				if (message == null) {
					message = new ByteArrayOutputStream();
				}
				message.writeBytes(frame.payload());
				if (frame.fin()) {
					return message.toString(StandardCharsets.UTF_8);
				}
			}
		}
	}

	/** Read until the server's close frame, skipping other frames. */
	Frame closeFrame() throws IOException {
		while (true) {
			Frame frame = next();
			if (frame.opcode() == 8) {
				return frame;
			}
		}
	}

	/** Whether the server closed the TCP connection (end of stream) before the timeout. */
	boolean endOfStream() throws IOException {
		try {
			while (this.in.read() >= 0) {
				// drain whatever still came
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			// a reset also ends the connection
			return true;
		}
	}

	/** Send no more: the server reads the end of the stream. */
	void shutdownOutput() throws IOException {
		this.socket.shutdownOutput();
	}

	void soTimeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
