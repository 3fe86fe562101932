package io.pubsubclub.transport;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a Tomcat outside the versions the lean transport was tested on, the WAMP endpoint's
 * handshakes go to the container's standard transport, end to end: the strategy here is
 * told it runs on Tomcat 12.0, and a browser-like handshake then gets permessage-deflate,
 * which only the standard transport accepts.
 */
@SpringBootTest(classes = TomcatUpgradeStrategyFallbackIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class TomcatUpgradeStrategyFallbackIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void untestedTomcatVersionServesWampOnTheStandardTransport() throws Exception {
		try (RawWebSocket session = RawWebSocket.wamp(this.port)) {
			assertThat(session.status).isEqualTo(101);
			assertThat(session.headers.get("sec-websocket-extensions")).as("deflate: the standard transport")
				.startsWith("permessage-deflate");
			assertThat(session.headers).containsEntry("sec-websocket-protocol", "wamp");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		TomcatUpgradeStrategy wampUpgradeStrategy() {
			return new TomcatUpgradeStrategy(64 * 1024, 1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(3),
					Duration.ZERO, new StandardWebSocketUpgradeStrategy(), "12.0.0.0");
		}

	}

}
