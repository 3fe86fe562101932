package io.pubsubclub.wamp;

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

import io.pubsubclub.support.WebSocketWire;

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
		this.out.write(WebSocketWire.upgradeRequest(port, "/wamp", "Sec-WebSocket-Protocol: wamp\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		assertThat(WebSocketWire.readLine(raw)).startsWith("HTTP/1.1 101");
		WebSocketWire.readHeaders(raw);
		this.in = new DataInputStream(raw);
		JsonNode welcome = next();
		assertThat(welcome.get(0).intValue()).isZero();
		this.sessionId = welcome.get(1).stringValue();
	}

	String id() {
		return this.sessionId;
	}

	void send(Object... frame) throws IOException {
		this.out.write(WebSocketWire.clientText(WampTestClient.JSON.writeValueAsString(Arrays.asList(frame))));
		this.out.flush();
	}

	/** The next text message (pings answered by nothing: the server sends none here). */
	JsonNode next() throws IOException {
		while (true) {
			WebSocketWire.Frame frame = WebSocketWire.read(this.in);
			assertThat(frame.opcode()).as("a text frame, not a close").isNotEqualTo(0x8);
			if (frame.opcode() == 0x1) {
				return WampTestClient.JSON.readTree(frame.text());
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
