package io.pubsubclub.transport;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.WebSocketWire;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conformance cases against the starter's own transport, and what it does beyond
 * Tomcat's: it refuses an oversized message at its length field, and closes a client that
 * sends nothing (not even a pong) for the idle timeout, and only such a client.
 */
@SpringBootTest(classes = LeanTransportConformanceTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=80KB",
				"pubsubclub.wamp.send-time-limit=5s", "pubsubclub.wamp.idle-timeout=3s",
				"pubsubclub.wamp.limits.publish-rate=1GB", "pubsubclub.wamp.send-buffer-size=4MB" })
class LeanTransportConformanceTests extends AbstractConformanceTests {

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

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
