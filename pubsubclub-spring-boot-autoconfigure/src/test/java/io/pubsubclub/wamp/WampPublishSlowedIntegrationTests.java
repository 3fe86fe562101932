package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.micrometer.core.instrument.MeterRegistry;
import io.pubsubclub.actuate.PubSubClubEndpoint;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A session first slowed by the publish budget (issue 30): logged once per session at
 * INFO with the rate and the property, counted per session and per slowdown, and both
 * counts shown by the actuator (endpoint and meters), so that a backend publishing over
 * WAMP learns that it is being held back.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=pubsubclub,metrics",
				"pubsubclub.wamp.limits.publish-rate=4KB" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class WampPublishSlowedIntegrationTests {

	private static final String TOPIC = "http://example.com/topic#slowed";

	private static final String LOG_LINE = "slowed by the publish budget of 4096 characters per second";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	PubSubClubEndpoint endpoint;

	@Autowired
	MeterRegistry meters;

	@Test
	void aSessionFirstSlowedIsLoggedOnceAndCountedOnceAndShownByTheActuator(CapturedOutput output)
			throws Exception {
		WampServerMetrics metrics = this.server.getMetrics();
		long sessionsBefore = metrics.getSessionsSlowed();
		String event = "x".repeat(1000);
		try (WampTestClient reader = WampTestClient.connect(this.port);
				WampTestClient first = WampTestClient.connect(this.port);
				WampTestClient second = WampTestClient.connect(this.port)) {
			reader.send(5, TOPIC);
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(TOPIC, 0) == 1);
			// a burst of 4 KB, then 4 KB per second: 12 events of 1 KB are slowed
			for (WampTestClient publisher : new WampTestClient[] { first, second }) {
				for (int i = 0; i < 12; i++) {
					publisher.send(7, TOPIC, event);
				}
			}
			for (int i = 0; i < 24; i++) {
				assertThat(reader.nextText()).endsWith(event + "\"]");
			}
			assertThat(first.isOpen()).isTrue();
			assertThat(second.isOpen()).isTrue();
		}
		assertThat(metrics.getSessionsSlowed()).isEqualTo(sessionsBefore + 2);
		assertThat(metrics.getPublishesSlowed()).isGreaterThanOrEqualTo(metrics.getSessionsSlowed());
		assertThat(output.toString().split(LOG_LINE, -1)).as("logged once per session").hasSize(3);
		assertThat(output.toString()).contains("pubsubclub.wamp.limits.publish-rate");
		PubSubClubEndpoint.WampDescriptor wamp = this.endpoint.node().wamp();
		assertThat(wamp).isNotNull();
		assertThat(wamp.sessionsSlowed()).isEqualTo(metrics.getSessionsSlowed());
		assertThat(wamp.publishesSlowed()).isEqualTo(metrics.getPublishesSlowed());
		assertThat(this.meters.get("pubsubclub.wamp.sessions.slowed").functionCounter().count())
			.isEqualTo(metrics.getSessionsSlowed());
	}

}
