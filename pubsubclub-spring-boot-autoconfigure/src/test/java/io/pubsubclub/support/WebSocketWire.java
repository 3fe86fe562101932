package io.pubsubclub.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The WebSocket wire (RFC 6455) written and read by hand, for the tests' clients and
 * peers on bare sockets: the upgrade request and the answer's head, and frames of any
 * shape, well formed or not. Written from the RFC, not from the code under test.
 */
public final class WebSocketWire {

	private static final SecureRandom random = new SecureRandom();

	private WebSocketWire() {
	}

	/**
	 * A frame read: its header bits, whether it came masked, and its payload (unmasked).
	 */
	public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {

		/** A frame that stands for the end of the connection, with this opcode. */
		public static Frame marker(int opcode) {
			return new Frame(true, 0, opcode, false, new byte[0]);
		}

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/** The close code, 1005 (none) when the payload has none. */
		public int closeCode() {
			return (this.payload.length < 2) ? 1005 : ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

		public String closeReason() {
			return (this.payload.length < 2) ? ""
					: new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}

	}

	/**
	 * Read the next frame, whole.
	 * @throws EOFException when the connection ends first
	 */
	public static Frame read(DataInputStream in) throws IOException {
		int first = in.readUnsignedByte();
		int second = in.readUnsignedByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = in.readUnsignedShort();
		}
		else if (length == 127) {
			length = in.readLong();
		}
		boolean masked = (second & 0x80) != 0;
		byte[] mask = new byte[4];
		if (masked) {
			in.readFully(mask);
		}
		byte[] payload = new byte[(int) length];
		in.readFully(payload);
		for (int i = 0; i < payload.length; i++) {
			payload[i] ^= mask[i & 3];
		}
		return new Frame((first & 0x80) != 0, (first >>> 4) & 7, first & 0x0F, masked, payload);
	}

	/** A final text frame, masked as a client's must be. */
	public static byte[] clientText(String text) {
		return frame(true, 0, 0x1, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * A frame as built: FIN bit, reserved bits, opcode, payload, masked (with a random
	 * key) or not; the shortest length encoding.
	 */
	public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
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

	/**
	 * An upgrade request for {@code path} of 127.0.0.1:port with a random key and these
	 * extra header lines (each ending in CRLF), the blank line included.
	 */
	public static String upgradeRequest(int port, String path, String extraHeaders) {
		byte[] key = new byte[16];
		random.nextBytes(key);
		return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
				+ "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
				+ Base64.getEncoder().encodeToString(key) + "\r\n" + extraHeaders + "\r\n";
	}

	/** The {@code Sec-WebSocket-Accept} value for a key. */
	public static String accept(String key) {
		try {
			return Base64.getEncoder()
				.encodeToString(MessageDigest.getInstance("SHA-1")
					.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Every header line up to the blank line, names in lower case.
	 */
	public static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
			int colon = line.indexOf(':');
			headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), (k) -> new ArrayList<>())
				.add(line.substring(colon + 1).trim());
		}
		return headers;
	}

	/**
	 * A line of the HTTP head, without its CR LF; what came of it when the connection
	 * ended within a line.
	 * @throws EOFException when the connection ended before the line's first byte
	 */
	public static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				if (line.size() == 0) {
					throw new EOFException("Connection closed in the HTTP head");
				}
				break;
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.ISO_8859_1);
	}

}
