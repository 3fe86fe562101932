package io.pubsubclub.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import org.apache.coyote.AbstractProtocol;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.WebSocketWire;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The conformance cases against the starter's own transport, and what it does beyond
 * Tomcat's: it refuses an oversized message at its length field, and closes a client that
 * sends nothing (not even a pong) for the idle timeout, and only such a client; and a
 * subscriber cut off as too slow gets its close frame 1013 when it reads again within the
 * grace, and is reset when the grace ends before it did.
 */
@SpringBootTest(classes = LeanTransportConformanceTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=80KB",
				"pubsubclub.wamp.send-time-limit=5s", "pubsubclub.wamp.idle-timeout=3s",
				"pubsubclub.wamp.limits.publish-rate=1GB", "pubsubclub.wamp.send-buffer-size=4MB" })
class LeanTransportConformanceTests extends AbstractConformanceTests {

	@Autowired
	WebServerApplicationContext context;

	@Override
	boolean strict() {
		return true;
	}

	@Test
	void oversizedLengthFieldFailsWith1009BeforeTheMaskingKey() throws Exception {
		// issue 23, defect 2: the announced length was allocated before it was checked
		try (RawWebSocket session = open()) {
			session.write(bytes(0x81, 0xFF, 0, 0, 0, 0, 0x0C, 0xC0, 0, 0));
			assertFailed(session, 1009);
		}
	}

	@Test
	void robustnessSilentClientIsClosedAfterTheIdleTimeout() throws Exception {
		try (RawWebSocket session = open()) {
			// the client answers no ping: idle-timeout is 3 s here (only this transport pings and
			// closes for idleness; the container's keeps its own idle timeout, none on Tomcat)
			session.answerPings = false;
			assertFailed(session, 1001);
		}
	}

	@Test
	void robustnessClientThatTalksIsNotClosedForIdleness() throws Exception {
		try (RawWebSocket session = open()) {
			// 4 s in all, past the 3 s idle timeout; the server's own pings are answered by next()
			for (int i = 0; i < 8; i++) {
				session.send(true, 0, 9, ("keep " + i).getBytes(StandardCharsets.UTF_8), true);
				WebSocketWire.Frame frame = session.next();
				assertThat(frame.opcode()).as("pong, not close").isEqualTo(10);
				Thread.sleep(500);
			}
		}
	}

	@Test
	void robustnessSubscriberThatStopsReadingGetsItsCloseFrame1013WhenItReadsAgain() throws Exception {
		// lean only: Tomcat's transport (compression=true) ends such a session without its
		// close frame (seen in every run): its close waits behind the message whose write the
		// peer stalled, and the connection is dropped when that wait times out
		try (RawWebSocket slow = echoSession(); RawWebSocket publisher = open()) {
			cutOffAsTooSlow(publisher);
			WebSocketWire.Frame close;
			try {
				close = slow.closeFrame();
			}
			catch (EOFException | SocketException ex) {
				throw new AssertionError("the stream ended without a close frame: " + ex, ex);
			}
			assertThat(close.closeCode()).as("close code (%s)", close.closeReason()).isEqualTo(1013);
			assertThat(close.closeReason()).startsWith("slow consumer");
			assertThat(slow.endOfStream()).as("connection ends").isTrue();
		}
	}

	@Test
	void robustnessSubscriberCutOffThatNeverReadsAgainIsResetWhenTheGraceEnds() throws Exception {
		try (RawWebSocket slow = echoSession(); RawWebSocket publisher = open()) {
			long connections = connections();
			cutOffAsTooSlow(publisher);
			// the grace (the 3 s close timeout) ends with the close frame unwritten: the socket
			// is reset, so the kernel does not keep what it holds for a peer that does not read
			await().atMost(TIMEOUT).until(() -> connections() < connections);
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> {
				while (true) {
					slow.next();
				}
			}).withMessageContaining("reset");
		}
	}

	/** Publish 8 KB events to the test's topic until its subscriber is cut off as too slow. */
	private void cutOffAsTooSlow(RawWebSocket publisher) throws IOException {
		long before = this.server.getMetrics().getSlowSessionCloses();
		byte[] frame = WebSocketWire.frame(true, 0, 1, publish("s".repeat(8000)), true);
		for (int i = 0; i < 5000 && this.server.getMetrics().getSlowSessionCloses() == before; i++) {
			publisher.write(frame);
		}
		await().atMost(TIMEOUT).until(() -> this.server.getMetrics().getSlowSessionCloses() > before);
	}

	private long connections() {
		TomcatWebServer webServer = (TomcatWebServer) this.context.getWebServer();
		return ((AbstractProtocol<?>) webServer.getTomcat().getConnector().getProtocolHandler()).getConnectionCount();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
