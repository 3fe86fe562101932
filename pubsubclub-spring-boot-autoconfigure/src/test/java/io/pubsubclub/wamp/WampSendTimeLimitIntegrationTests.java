package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The send-time limit on its own: with a buffer no test fills, a session whose writes
 * stall is still cut off, for the time one write took, while the others go on.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.send-buffer-size=256MB",
				"pubsubclub.wamp.send-time-limit=1s" })
class WampSendTimeLimitIntegrationTests extends WampServerTestBase {

	private static final String FLOOD = "http://example.com/stall#flood";

	private static final String ALIVE = "http://example.com/stall#alive";

	@Test
	void sessionWhoseWriteStallsPastTheSendTimeLimitIsClosed(CapturedOutput output) throws Exception {
		try (WampTestClient good = WampTestClient.connect(this.port);
				RawWampSocket stalled = new RawWampSocket(this.port, 4096)) {
			good.send(5, ALIVE);
			stalled.open();
			stalled.sendText("[5,\"" + FLOOD + "\"]");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(FLOOD, 0) == 1
						&& this.server.getTopicSubscriberCounts().containsKey(ALIVE));
			long before = this.metrics.getSlowSessionCloses();
			String payload = "x".repeat(4000);
			// the stalled client reads nothing: its writes stop once the socket buffers are full
			await().atMost(WampTestClient.timeout().multipliedBy(3)).until(() -> {
				for (int i = 0; i < 50; i++) {
					this.publisher.publish(FLOOD, payload);
				}
				return this.metrics.getSlowSessionCloses() > before;
			});
			assertThat(this.metrics.getSlowSessionCloses()).isEqualTo(before + 1);
			assertThat(output.getOut()).contains("cannot keep up (SEND_TIME), closing with 1013")
				.doesNotContain("cannot keep up (BUFFER)");
			await().atMost(WampTestClient.timeout())
				.until(() -> !this.server.getTopicSubscriberCounts().containsKey(FLOOD));
			this.publisher.publish(ALIVE, "still here");
			assertThat(good.nextText()).isEqualTo("[8,\"" + ALIVE + "\",\"still here\"]");
			assertThat(good.isOpen()).isTrue();
		}
	}

}
