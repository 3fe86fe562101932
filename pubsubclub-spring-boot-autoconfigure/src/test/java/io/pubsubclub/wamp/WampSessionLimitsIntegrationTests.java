package io.pubsubclub.wamp;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

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
 * Each per-session limit at its value and one over: what is refused is not performed,
 * logged once per session, counted, and shown by the actuator; the session stays open.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "management.endpoints.web.exposure.include=pubsubclub,metrics",
				"pubsubclub.wamp.limits.subscriptions-per-session=3", "pubsubclub.wamp.limits.topic-length=40",
				"pubsubclub.wamp.limits.prefixes-per-session=2", "pubsubclub.wamp.limits.prefix-length=30",
				"pubsubclub.wamp.limits.topics-per-node=5", "pubsubclub.wamp.limits.calls-per-session=2" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class WampSessionLimitsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampTestApplication.Procedures procedures;

	@Autowired
	PubSubClubEndpoint endpoint;

	@Autowired
	MeterRegistry meters;

	/** A CALL round trip: every message the session sent before it has been handled. */
	private static void sync(WampTestClient client) throws Exception {
		client.send(2, "sync", "http://example.com/rpc#echo", "sync");
		assertThat(client.nextText()).isEqualTo("[3,\"sync\",\"sync\"]");
	}

	private long refusals(WampServerMetrics.Limit limit) {
		return this.server.getMetrics().getLimitRefusals(limit);
	}

	private double topicLengthDrops() {
		return this.meters.get("pubsubclub.drops")
			.tag("reason", "session-limit")
			.tag("type", "topic-length")
			.functionCounter()
			.count();
	}

	private static String topic(String name, int length) {
		String base = "http://t/" + name + "/";
		return base + "x".repeat(length - base.length());
	}

	@Test
	void subscriptionsPerSessionAtTheLimitAndOneOver(CapturedOutput output) throws Exception {
		long before = refusals(WampServerMetrics.Limit.SUBSCRIPTIONS_PER_SESSION);
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			for (int i = 1; i <= 3; i++) {
				client.send(5, "http://t/s/" + i);
			}
			sync(client);
			assertThat(this.server.getTopicSubscriberCounts()).containsKeys("http://t/s/1", "http://t/s/2",
					"http://t/s/3");
			client.send(5, "http://t/s/4");
			client.send(5, "http://t/s/5");
			// subscribing again to a topic it holds costs nothing
			client.send(5, "http://t/s/1");
			sync(client);
			assertThat(this.server.getTopicSubscriberCounts()).doesNotContainKeys("http://t/s/4", "http://t/s/5");
			assertThat(refusals(WampServerMetrics.Limit.SUBSCRIPTIONS_PER_SESSION)).isEqualTo(before + 2);
			// room again after an UNSUBSCRIBE
			client.send(6, "http://t/s/2");
			client.send(5, "http://t/s/4");
			sync(client);
			assertThat(this.server.getTopicSubscriberCounts()).containsKey("http://t/s/4");
			assertThat(client.isOpen()).isTrue();
			assertThat(output.toString().split("subscriptions-per-session", -1)).as("logged once per session")
				.hasSize(2);
		}
	}

	@Test
	void topicLengthAtTheLimitAndOneOverForSubscribeAndPublish() throws Exception {
		long before = refusals(WampServerMetrics.Limit.TOPIC_LENGTH);
		try (WampTestClient reader = WampTestClient.connect(this.port);
				WampTestClient writer = WampTestClient.connect(this.port)) {
			String fits = topic("len", 40);
			String over = topic("len", 41);
			reader.send(5, fits);
			reader.send(5, over);
			sync(reader);
			assertThat(this.server.getTopicSubscriberCounts()).containsKey(fits).doesNotContainKey(over);
			writer.send(7, over, "refused");
			writer.send(7, fits, "delivered");
			assertThat(reader.nextText()).isEqualTo("[8,\"" + fits + "\",\"delivered\"]");
			assertThat(refusals(WampServerMetrics.Limit.TOPIC_LENGTH)).isEqualTo(before + 2);
		}
	}

	@Test
	void prefixesPerSessionAndPrefixLengthAtTheLimitAndOneOver() throws Exception {
		long before = refusals(WampServerMetrics.Limit.PREFIXES_PER_SESSION) + refusals(WampServerMetrics.Limit.PREFIX_LENGTH);
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			String uriFits = "http://p/" + "u".repeat(21);
			client.send(1, "a", uriFits);
			client.send(1, "b", "http://p/b#");
			client.send(1, "c", "http://p/c#");
			// redefining a prefix it has is not a new entry
			client.send(1, "a", "http://p/a#");
			client.send(1, "d".repeat(31), "http://p/d#");
			client.send(2, "w", "http://example.com/rpc#whoami", "hi");
			JsonNode prefixes = client.next().get(2).get("prefixes");
			assertThat(prefixes.propertyNames()).containsExactlyInAnyOrder("a", "b");
			assertThat(prefixes.get("a").stringValue()).isEqualTo("http://p/a#");
			client.send(1, "b", "http://p/" + "u".repeat(22));
			client.send(2, "w2", "http://example.com/rpc#whoami", "hi");
			assertThat(client.next().get(2).get("prefixes").get("b").stringValue()).isEqualTo("http://p/b#");
			assertThat(refusals(WampServerMetrics.Limit.PREFIXES_PER_SESSION) + refusals(WampServerMetrics.Limit.PREFIX_LENGTH))
				.isEqualTo(before + 3);
		}
	}

	@Test
	void distinctTopicsPerNodeAtTheLimitAndOneOver() throws Exception {
		await().until(() -> this.server.getTopicSubscriberCounts().isEmpty());
		long before = refusals(WampServerMetrics.Limit.TOPICS_PER_NODE);
		try (WampTestClient a = WampTestClient.connect(this.port); WampTestClient b = WampTestClient.connect(this.port)) {
			a.send(5, "http://t/n/1");
			a.send(5, "http://t/n/2");
			a.send(5, "http://t/n/3");
			b.send(5, "http://t/n/4");
			b.send(5, "http://t/n/5");
			sync(a);
			sync(b);
			b.send(5, "http://t/n/6");
			// a topic that exists already is no new topic
			b.send(5, "http://t/n/1");
			sync(b);
			Map<String, Integer> counts = this.server.getTopicSubscriberCounts();
			assertThat(counts).hasSize(5).doesNotContainKey("http://t/n/6").containsEntry("http://t/n/1", 2);
			assertThat(refusals(WampServerMetrics.Limit.TOPICS_PER_NODE)).isEqualTo(before + 1);
		}
	}

	@Test
	void outstandingCallsPerSessionAtTheLimitAndOneOverAnswerBusy() throws Exception {
		this.procedures.blockRelease = new java.util.concurrent.CountDownLatch(1);
		long before = refusals(WampServerMetrics.Limit.CALLS_PER_SESSION);
		try (WampTestClient client = WampTestClient.connect(this.port);
				WampTestClient other = WampTestClient.connect(this.port)) {
			client.send(2, "b1", "http://example.com/rpc#block", "b1");
			client.send(2, "b2", "http://example.com/rpc#block", "b2");
			client.send(2, "b3", "http://example.com/rpc#block", "b3");
			assertThat(client.nextText()).isEqualTo(
					"[4,\"b3\",\"" + WampWebSocketHandler.ERROR_BUSY + "\",\"Too many calls outstanding: at most 2.\"]");
			// another session's calls are its own
			other.send(2, "o", "http://example.com/rpc#echo", "o");
			assertThat(other.nextText()).isEqualTo("[3,\"o\",\"o\"]");
			this.procedures.blockRelease.countDown();
			assertThat(client.nextText()).isEqualTo("[3,\"b1\",\"b1\"]");
			assertThat(client.nextText()).isEqualTo("[3,\"b2\",\"b2\"]");
			sync(client);
			assertThat(refusals(WampServerMetrics.Limit.CALLS_PER_SESSION)).isEqualTo(before + 1);
		}
	}

	@Test
	void refusalsAreShownByTheActuator() throws Exception {
		// the counters are the node's, shared with the other tests of this class: this
		// test's one refusal is the difference
		long shown = this.endpoint.node().wamp().limits().getOrDefault("topic-length", 0L);
		double counted = topicLengthDrops();
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(5, topic("act", 41));
			sync(client);
		}
		await().until(() -> this.endpoint.node().wamp().limits().getOrDefault("topic-length", 0L) == shown + 1);
		assertThat(this.endpoint.node().wamp().limits()).containsKeys("subscriptions-per-session", "topic-length",
				"prefixes-per-session", "prefix-length", "topics-per-node", "calls-per-session", "publish-rate");
		assertThat(topicLengthDrops()).isEqualTo(counted + 1);
		// Boot's executor metrics measure the call executor
		assertThat(this.meters.find("executor.pool.max").tag("name", "wampCallExecutor").gauge()).isNotNull();
	}

}
