package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WampLargeMessageIntegrationTests} on Tomcat's JSR-356 transport, which serves the
 * endpoint when {@code pubsubclub.wamp.compression} is on: messages longer than Tomcat's
 * text buffer (set to 2 K characters by the handler, 8 K by default) reach the handler in
 * parts and are assembled.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.compression=true" })
class WampLargeMessageContainerTransportIntegrationTests extends WampLargeMessageIntegrationTests {

	@Test
	@Override
	void sessionHasTheSmallTextBuffer() throws Exception {
		assertThat(textBuffer()).isEqualTo(WampWebSocketHandler.TOMCAT_TEXT_BUFFER_SIZE);
	}

}
