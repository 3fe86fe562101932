package io.pubsubclub.wamp;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A server with options set: topic access rules (refused subscribes and publishes are
 * not performed, and are counted) and stack traces in CALLERROR details.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1",
				"pubsubclub.wamp.topics.subscribe=http://example.com/open/*,http://example.com/exact",
				"pubsubclub.wamp.topics.publish=http://example.com/open/*",
				"pubsubclub.wamp.include-stack-trace=true" })
class WampServerOptionsIntegrationTests extends WampServerTestBase {

	@Test
	void subscribeAndPublishOutsideTheAllowedTopicsAreRefusedAndCounted() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			long refusedSubscribes = this.metrics.getRefusedSubscribes();
			long refusedPublishes = this.metrics.getRefusedPublishes();
			client.send(1, "open", "http://example.com/open/");
			client.send(5, "http://example.com/closed");
			client.send(5, "http://example.com/exact/not");
			client.send(5, "http://example.com/exact");
			client.send(5, "open:a");
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().containsKey("http://example.com/open/a"));
			assertThat(this.metrics.getRefusedSubscribes()).isEqualTo(refusedSubscribes + 2);
			assertThat(this.server.topics()).contains("http://example.com/exact", "http://example.com/open/a")
				.doesNotContain("http://example.com/closed", "http://example.com/exact/not");

			client.send(7, "http://example.com/exact", "refused", false);
			client.send(7, "open:a", "allowed", false);
			assertThat(client.nextText()).isEqualTo("[8,\"http://example.com/open/a\",\"allowed\"]");
			assertThat(this.metrics.getRefusedPublishes()).isEqualTo(refusedPublishes + 1);

			// application code is not restricted
			this.publisher.publish("http://example.com/exact", "from the application");
			assertThat(client.nextText()).isEqualTo("[8,\"http://example.com/exact\",\"from the application\"]");
			assertThat(client.pending()).isZero();
			assertThat(client.isOpen()).isTrue();
			assertThat(List.of(this.metrics.getRefusedSubscribes(), this.metrics.getRefusedPublishes()))
				.containsExactly(refusedSubscribes + 2, refusedPublishes + 1);
		}
	}

	@Test
	void callErrorCarriesTheStackTraceWhenEnabled() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "f", "http://example.com/rpc#fail");
			JsonNode error = client.next();
			assertThat(error.size()).isEqualTo(5);
			assertThat(error.get(2).stringValue()).isEqualTo("http://api.wamp.ws/error#generic");
			assertThat(error.get(3).stringValue()).isEqualTo("boom");
			assertThat(error.get(4).get(0).stringValue()).isEqualTo("java.lang.IllegalStateException: boom");
			assertThat(error.get(4).toString()).contains("WampTestApplication$Procedures.fail");
			client.send(2, "r", "http://example.com/rpc#refuse");
			assertThat(client.nextText())
				.isEqualTo("[4,\"r\",\"http://example.com/error#refused\",\"not today\",{\"retryAfter\":5}]");
		}
	}

}
