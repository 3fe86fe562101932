package io.pubsubclub.wamp.transport;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The conformance cases against the starter's own transport, and what it does beyond
 * Tomcat's: it refuses an oversized message at its length field.
 */
@SpringBootTest(classes = LeanTransportConformanceTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=80KB",
				"pubsubclub.wamp.send-time-limit=5s", "pubsubclub.wamp.idle-timeout=3s",
				"pubsubclub.wamp.limits.publish-rate=1GB", "pubsubclub.wamp.send-buffer-size=4MB" })
class LeanTransportConformanceTests extends AbstractConformanceTests {

	@Override
	boolean alwaysSendsTheCloseFrame() {
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

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
