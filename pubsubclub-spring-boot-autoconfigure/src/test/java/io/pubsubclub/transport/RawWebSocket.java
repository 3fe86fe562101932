package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.pubsubclub.support.WebSocketWire;
import io.pubsubclub.support.WebSocketWire.Frame;

/**
 * A WebSocket client on a bare socket that sends whatever frames a test builds, well
 * formed or not, and reads the server's frames one by one. Loopback only.
 */
final class RawWebSocket implements AutoCloseable {

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
		this.out.write(WebSocketWire.upgradeRequest(port, path, extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
		this.out.flush();
		String statusLine = WebSocketWire.readLine(this.in);
		this.status = Integer.parseInt(statusLine.split(" ")[1]);
		WebSocketWire.readHeaders(this.in).forEach((name, values) -> this.headers.put(name, values.get(values.size() - 1)));
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

	void sendText(String text) throws IOException {
		send(true, 0, 1, text.getBytes(StandardCharsets.UTF_8), true);
	}

	/**
	 * Send one frame as built: FIN bit, reserved bits, opcode, payload, masked or not.
	 */
	void send(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) throws IOException {
		this.out.write(WebSocketWire.frame(fin, rsv, opcode, payload, masked));
		this.out.flush();
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
		Frame frame = WebSocketWire.read(this.in);
		if (frame.masked()) {
			throw new IOException("Server frame masked");
		}
		return frame;
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
