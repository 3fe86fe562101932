package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SUBSCRIBE, UNSUBSCRIBE, PUBLISH, PREFIX and EVENT end to end, with Autobahn's receiver
 * rules.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.server-ident=TestServer/1" })
class WampPubSubIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampPublisher publisher;

	private static String topic() {
		return "http://example.com/topic#" + UUID.randomUUID();
	}

	private void awaitSubscribers(String topic, int count) {
		await().atMost(WampTestClient.timeout())
			.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == count);
	}

	private static List<String> payloads(List<JsonNode> events, String topic) {
		List<String> payloads = new ArrayList<>();
		for (JsonNode event : events) {
			assertThat(event.get(0).intValue()).isEqualTo(8);
			assertThat(event.get(1).stringValue()).isEqualTo(topic);
			payloads.add(event.get(2).stringValue());
		}
		return payloads;
	}

	@Test
	void publishReachesSubscribersByAutobahnsExcludeAndEligibleRules() throws Exception {
		String t = topic();
		try (WampTestClient p = WampTestClient.connect(this.port);
				WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			for (WampTestClient client : List.of(p, a, b)) {
				client.send(5, t);
			}
			awaitSubscribers(t, 3);
			String pid = p.id();
			String aid = a.id();
			String bid = b.id();
			// [frame suffix after the event, expected receivers among "P", "A", "B"]
			List<Object[]> cases = List.of(new Object[] { List.of(), "AB" }, new Object[] { List.of(true), "AB" },
					new Object[] { List.of(false), "PAB" }, new Object[] { List.of(List.of()), "PAB" },
					new Object[] { List.of(List.of(aid)), "PB" }, new Object[] { List.of(List.of(pid)), "AB" },
					new Object[] { List.of(List.of(pid, aid)), "B" },
					new Object[] { List.of(List.of("no-such-session")), "PAB" },
					new Object[] { List.of(List.of(), List.of(aid, bid)), "AB" },
					new Object[] { List.of(List.of(), List.of(pid)), "P" },
					new Object[] { List.of(List.of(aid), List.of(aid, bid)), "B" },
					new Object[] { List.of(List.of(), List.of()), "" },
					new Object[] { List.of(List.of(), List.of("no-such-session", aid)), "A" },
					new Object[] { List.of(List.of(pid), List.of(pid, aid, bid)), "AB" },
					new Object[] { List.of("neither"), "AB" }, new Object[] { List.of(42), "AB" },
					new Object[] { List.of(Map.of()), "AB" },
					new Object[] { List.of(List.of(pid), "neither"), "AB" },
					new Object[] { List.of("neither", List.of(pid, aid)), "A" },
					new Object[] { List.of(false, List.of(pid, aid)), "PA" },
					// ids that are not strings are ignored, the string ids beside them are not
					new Object[] { List.of(Arrays.asList(42, aid, null, Map.of(), List.of(pid))), "PB" },
					new Object[] { List.of(List.of(), Arrays.asList(7, bid, true, 2.5)), "B" },
					new Object[] { List.of(List.of(1, 2), List.of(pid, 3)), "P" });
			Map<String, List<String>> expected = Map.of("P", new ArrayList<>(), "A", new ArrayList<>(), "B",
					new ArrayList<>());
			for (int i = 0; i < cases.size(); i++) {
				String label = "case-" + i;
				List<Object> frame = new ArrayList<>(List.of(7, t, label));
				frame.addAll((List<?>) cases.get(i)[0]);
				p.send(frame.toArray());
				for (char receiver : ((String) cases.get(i)[1]).toCharArray()) {
					expected.get(String.valueOf(receiver)).add(label);
				}
			}
			p.send(7, t, "marker", List.of());
			assertThat(payloads(p.eventsUntil("marker"), t)).as("publisher").isEqualTo(expected.get("P"));
			assertThat(payloads(a.eventsUntil("marker"), t)).as("A").isEqualTo(expected.get("A"));
			assertThat(payloads(b.eventsUntil("marker"), t)).as("B").isEqualTo(expected.get("B"));
		}
	}

	@Test
	void eventCarriesAnyJsonValueAsSent() throws Exception {
		String t = topic();
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(5, t);
			awaitSubscribers(t, 1);
			String quoted = WampTestClient.JSON.writeValueAsString(t);
			for (String event : List.of("null", "1", "2.5", "\"x\"", "[1,[2],{}]", "{\"a\":{\"b\":[null,true]}}")) {
				client.sendText("[7," + quoted + "," + event + ",false]");
				assertThat(client.nextText()).isEqualTo("[8," + quoted + "," + event + "]");
			}
		}
	}

	@Test
	void unsubscribeStopsEvents() throws Exception {
		String t = topic();
		String other = topic();
		try (WampTestClient p = WampTestClient.connect(this.port);
				WampTestClient a = WampTestClient.connect(this.port)) {
			p.send(5, t);
			p.send(5, other);
			a.send(5, t);
			awaitSubscribers(t, 2);
			awaitSubscribers(other, 1);
			p.send(6, t);
			awaitSubscribers(t, 1);
			a.send(7, t, "after", List.of());
			a.send(7, other, "marker");
			assertThat(p.eventsUntil("marker")).isEmpty();
			assertThat(payloads(a.eventsUntil("after"), t)).isEmpty();
			assertThat(this.server.getTopicSubscriberCounts()).containsEntry(t, 1).containsEntry(other, 1);
		}
	}

	@Test
	void curiesResolveForSubscribePublishAndUnsubscribeAndEventsCarryFullUris() throws Exception {
		String base = "http://example.com/" + UUID.randomUUID() + "#";
		try (WampTestClient p = WampTestClient.connect(this.port);
				WampTestClient a = WampTestClient.connect(this.port)) {
			p.send(1, "ev", base);
			p.send(5, "ev:a");
			a.send(5, base + "a");
			awaitSubscribers(base + "a", 2);
			p.send(7, "ev:a", "hello", false);
			assertThat(p.nextText()).isEqualTo("[8,\"" + base + "a\",\"hello\"]");
			assertThat(a.nextText()).isEqualTo("[8,\"" + base + "a\",\"hello\"]");

			// redefinition overwrites
			p.send(1, "ev", base + "other/");
			p.send(5, "ev:b");
			awaitSubscribers(base + "other/b", 1);
			a.send(7, base + "other/b", "again");
			assertThat(p.nextText()).isEqualTo("[8,\"" + base + "other/b\",\"again\"]");

			// unknown prefix: the string is a full URI
			p.send(5, "zz:" + base);
			awaitSubscribers("zz:" + base, 1);
			a.send(1, "zz", "http://elsewhere/");
			a.send(7, "zz:" + base, "not resolved");
			p.send(7, "ev:b", "marker", false);
			assertThat(payloads(p.eventsUntil("marker"), "zz:" + base)).isEmpty();
			a.send(1, "zz", "zz:");
			a.send(7, "zz:" + base, "resolved to itself");
			assertThat(p.nextText()).isEqualTo("[8,\"zz:" + base + "\",\"resolved to itself\"]");

			// unsubscribe with a CURIE
			p.send(6, "ev:b");
			awaitSubscribers(base + "other/b", 0);
			assertThat(this.server.getTopicSubscriberCounts()).doesNotContainKey(base + "other/b");
		}
	}

	@Test
	void publisherBeanExcludesNobodyByDefaultAndHonoursExcludeAndEligible() throws Exception {
		String t = topic();
		try (WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			a.send(5, t);
			b.send(5, t);
			awaitSubscribers(t, 2);
			assertThat(this.publisher.publish(t, Map.of("n", 1))).isEqualTo(2);
			assertThat(this.publisher.publish(t, "not a", List.of(a.id()), null)).isEqualTo(1);
			assertThat(this.publisher.publish(t, "only a", List.of(), List.of(a.id(), "unknown"))).isEqualTo(1);
			assertThat(this.publisher.publish(t, "nobody", List.of(), List.of())).isZero();
			assertThat(this.publisher.publish(t, null)).isEqualTo(2);
			this.publisher.publish(t, "marker");
			String quoted = WampTestClient.JSON.writeValueAsString(t);
			List<String> aFrames = a.eventsUntil("marker").stream().map(JsonNode::toString).toList();
			List<String> bFrames = b.eventsUntil("marker").stream().map(JsonNode::toString).toList();
			assertThat(aFrames).containsExactly("[8," + quoted + ",{\"n\":1}]", "[8," + quoted + ",\"only a\"]",
					"[8," + quoted + ",null]");
			assertThat(bFrames).containsExactly("[8," + quoted + ",{\"n\":1}]", "[8," + quoted + ",\"not a\"]",
					"[8," + quoted + ",null]");
		}
	}

	@Test
	void sessionCountAndTopicsAreExposed() throws Exception {
		String t = topic();
		// sessions of earlier tests close asynchronously: start from none
		await().atMost(WampTestClient.timeout()).until(() -> this.server.getSessionCount() == 0);
		try (WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			a.send(5, t);
			b.send(5, t);
			awaitSubscribers(t, 2);
			assertThat(this.server.getSessionCount()).isEqualTo(2);
			assertThat(this.server.topics()).contains(t);
			assertThat(this.server.hasSubscribers(t)).isTrue();
		}
		await().atMost(WampTestClient.timeout()).until(() -> !this.server.topics().contains(t));
		assertThat(this.server.hasSubscribers(t)).isFalse();
		assertThat(this.server.getTopicSubscriberCounts()).doesNotContainKey(t);
	}

}
