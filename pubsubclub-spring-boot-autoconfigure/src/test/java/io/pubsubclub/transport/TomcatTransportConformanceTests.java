package io.pubsubclub.transport;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The conformance cases against Tomcat's JSR-356 transport, which serves the endpoint
 * when {@code pubsubclub.wamp.compression} is on: the reference the lean transport is held
 * to.
 */
@SpringBootTest(classes = TomcatTransportConformanceTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.compression=true",
				"pubsubclub.wamp.max-message-size=80KB", "pubsubclub.wamp.send-time-limit=5s",
				"pubsubclub.wamp.limits.publish-rate=1GB", "pubsubclub.wamp.send-buffer-size=4MB" })
class TomcatTransportConformanceTests extends AbstractConformanceTests {

	@Override
	boolean strict() {
		return false;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
