package io.pubsubclub.wamp;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.WebSocketWire;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WAMP client on a bare socket, for what a WebSocket client library hides: a client
 * that stops reading (a small receive window, nothing read), the upgrade's status line,
 * and the close frame's code.
 */
final class RawWampSocket implements AutoCloseable {

	private final Socket socket = new Socket();

	private final int port;

	/**
	 * Connect to the server; nothing is read until the test reads.
	 * @param port the server's port
	 * @param receiveBufferSize the socket's receive buffer, small for a client that stalls
	 */
	RawWampSocket(int port, int receiveBufferSize) throws IOException {
		this.port = port;
		this.socket.setReceiveBufferSize(receiveBufferSize);
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setSoTimeout(20_000);
	}

	/**
	 * Send the upgrade request offering {@code wamp} and return the response head.
	 * @param origin the {@code Origin} header, if any
	 */
	String upgrade(@Nullable String origin) throws IOException {
		return upgrade(origin, null);
	}

	/**
	 * Send the upgrade request offering {@code wamp} and return the response head.
	 * @param origin the {@code Origin} header, if any
	 * @param authorization the {@code Authorization} header, if any
	 */
	String upgrade(@Nullable String origin, @Nullable String authorization) throws IOException {
		String request = WebSocketWire.upgradeRequest(this.port, "/wamp",
				"Sec-WebSocket-Protocol: wamp\r\n" + ((origin != null) ? "Origin: " + origin + "\r\n" : "")
						+ ((authorization != null) ? "Authorization: " + authorization + "\r\n" : ""));
		OutputStream out = this.socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = this.socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			assertThat(b).as("the response head").isNotNegative();
			head.write(b);
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	/** Upgrade with no {@code Origin}, as a non-browser client does, and expect 101. */
	void open() throws IOException {
		assertThat(upgrade(null)).startsWith("HTTP/1.1 101").containsIgnoringCase("Sec-WebSocket-Protocol: wamp");
	}

	/** Send a short text frame, masked as a client must. */
	void sendText(String text) throws IOException {
		OutputStream out = this.socket.getOutputStream();
		out.write(WebSocketWire.clientText(text));
		out.flush();
	}

	/** Read again: skip the server's frames up to its close frame and return its code. */
	int closeCode() throws IOException {
		DataInputStream data = new DataInputStream(this.socket.getInputStream());
		while (true) {
			WebSocketWire.Frame frame = WebSocketWire.read(data);
			assertThat(frame.masked()).as("server frames are not masked").isFalse();
			if (frame.opcode() == 0x8) {
				assertThat(frame.payload().length).as("a close frame with a code").isGreaterThanOrEqualTo(2);
				return frame.closeCode();
			}
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
