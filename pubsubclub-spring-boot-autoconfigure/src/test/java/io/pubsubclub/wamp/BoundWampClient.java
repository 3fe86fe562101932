package io.pubsubclub.wamp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WAMP client on a bare socket bound to a chosen loopback address (127.0.0.2, say), so
 * that the server sees sessions from several addresses; text frames only.
 */
final class BoundWampClient implements AutoCloseable {

	private final Socket socket = new Socket();

	private final DataInputStream in;

	private final OutputStream out;

	private final String sessionId;

	BoundWampClient(String localAddress, int port) throws IOException {
		this.socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setSoTimeout(20_000);
		this.out = this.socket.getOutputStream();
		InputStream raw = this.socket.getInputStream();
		this.out.write(("GET /wamp HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
				+ "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: wamp\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = raw.read();
			assertThat(b).as("the response head").isNotNegative();
			head.write(b);
		}
		assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 101");
		this.in = new DataInputStream(raw);
		JsonNode welcome = next();
		assertThat(welcome.get(0).intValue()).isZero();
		this.sessionId = welcome.get(1).stringValue();
	}

	String id() {
		return this.sessionId;
	}

	void send(Object... frame) throws IOException {
		byte[] payload = WampTestClient.JSON.writeValueAsString(Arrays.asList(frame)).getBytes(StandardCharsets.UTF_8);
		byte[] mask = { 7, 1, 9, 3 };
		ByteArrayOutputStream frameBytes = new ByteArrayOutputStream();
		frameBytes.write(0x81);
		if (payload.length < 126) {
			frameBytes.write(0x80 | payload.length);
		}
		else {
			assertThat(payload.length).isLessThan(65536);
			frameBytes.write(0x80 | 126);
			frameBytes.write(payload.length >> 8);
			frameBytes.write(payload.length & 0xff);
		}
		frameBytes.write(mask);
		for (int i = 0; i < payload.length; i++) {
			frameBytes.write(payload[i] ^ mask[i % 4]);
		}
		this.out.write(frameBytes.toByteArray());
		this.out.flush();
	}

	/** The next text message (pings answered by nothing: the server sends none here). */
	JsonNode next() throws IOException {
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
			int opcode = first & 0x0f;
			assertThat(opcode).as("a text frame, not a close").isNotEqualTo(0x8);
			if (opcode == 0x1) {
				return WampTestClient.JSON.readTree(new String(payload, StandardCharsets.UTF_8));
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
