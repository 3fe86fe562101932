package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;

import io.pubsubclub.support.WebSocketWire;
import io.pubsubclub.wamp.WampServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the conformance cases share: a raw WAMP session on the endpoint, an echo through a
 * topic the session subscribed to, and the assertions on how a connection ends.
 */
abstract class ConformanceTestSupport {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	final String topic = "http://example.com/conformance#" + UUID.randomUUID();

	RawWebSocket open() throws IOException {
		RawWebSocket session = RawWebSocket.open(this.port, "/wamp", "Sec-WebSocket-Protocol: wamp\r\n");
		assertThat(session.status).isEqualTo(101);
		assertThat(session.nextText()).startsWith("[0,\"");
		return session;
	}

	/**
	 * A session subscribed to the test's topic, to which its own publishes come back; one
	 * has come back already, so the subscription is in place for every session.
	 */
	RawWebSocket echoSession() throws IOException {
		RawWebSocket session = open();
		session.sendText("[5,\"" + this.topic + "\"]");
		assertAlive(session);
		return session;
	}

	/** The UTF-8 of a PUBLISH of the given JSON string content to the test's topic. */
	byte[] publish(String content) {
		return publishBytes(content.getBytes(StandardCharsets.UTF_8));
	}

	byte[] publishBytes(byte[] content) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("[7,\"" + this.topic + "\",\"").getBytes(StandardCharsets.UTF_8));
		out.writeBytes(content);
		out.writeBytes("\",false]".getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

	String event(String content) {
		return "[8,\"" + this.topic + "\",\"" + content + "\"]";
	}

	void assertEcho(RawWebSocket session, String content) throws IOException {
		assertThat(session.nextText()).isEqualTo(event(content));
	}

	/** The session still works: a publish comes back. */
	void assertAlive(RawWebSocket session) throws IOException {
		String content = "alive " + UUID.randomUUID();
		session.sendText(new String(publish(content), StandardCharsets.UTF_8));
		assertEcho(session, content);
	}

	/**
	 * The server closes the connection: a close frame with one of the codes, answered as a
	 * client does (the server may have closed the socket already), then the end.
	 */
	WebSocketWire.Frame assertFailed(RawWebSocket session, Integer... codes) throws IOException {
		WebSocketWire.Frame close;
		try {
			close = session.closeFrame();
		}
		catch (java.io.EOFException | java.net.SocketException ex) {
			// Autobahn's "requireClean: false": a failed connection may just be dropped
			assertThat(strict()).as("dropped without a close frame: " + ex).isFalse();
			return null;
		}
		assertThat(close.closeCode()).as("close code (%s)", close.closeReason()).isIn((Object[]) codes);
		try {
			session.send(true, 0, 8, Arrays.copyOf(close.payload(), Math.min(2, close.payload().length)), true);
		}
		catch (IOException ex) {
			// the server did not wait for the answer: a failed connection
		}
		assertThat(session.endOfStream()).as("connection ends").isTrue();
		return close;
	}

	/**
	 * Whether the transport meets the strict expectation where Autobahn|Testsuite accepts
	 * a non-strict behaviour too: it always sends its close frame before it drops a failed
	 * connection, and answers what came before the failing frame. Tomcat's now and then
	 * does neither, the starter's transport always does both.
	 */
	abstract boolean strict();

	/**
	 * The message that came before a failing frame comes back (strictly; the testsuite
	 * accepts its loss), then the server fails the connection.
	 */
	void assertEchoThenFailed(RawWebSocket session, String content, Integer... codes) throws IOException {
		WebSocketWire.Frame frame;
		try {
			frame = session.next();
		}
		catch (IOException ex) {
			// Tomcat's transport now and then drops the connection, or garbles what it sends
			// beside its close frame (the event written by another thread): the end is all
			assertThat(strict()).as("no clean answer: " + ex).isFalse();
			assertThat(session.endOfStream()).as("connection ends").isTrue();
			return;
		}
		if (frame.opcode() == 8) {
			assertThat(strict()).as("failed before the message before the failing frame came back").isFalse();
			assertThat(frame.closeCode()).as("close code (%s)", frame.closeReason()).isIn((Object[]) codes);
			return;
		}
		assertThat(frame.text()).isEqualTo(event(content));
		assertFailed(session, codes);
	}

	static byte[] bytes(int... values) {
		byte[] bytes = new byte[values.length];
		for (int i = 0; i < values.length; i++) {
			bytes[i] = (byte) values[i];
		}
		return bytes;
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

}
