package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PUBLISH read with the streaming parser, through real sessions: subscribers and the
 * published event get exactly the text the tree path writes, and malformed PUBLISHes are
 * ignored and counted as they always were.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.server-ident=TestServer/1" })
class WampStreamedPublishIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampWebSocketHandler handler;

	@Autowired
	JsonMapper jsonMapper;

	@Autowired
	WampServerMetrics metrics;

	@Autowired
	WampTestApplication.TopicEvents topicEvents;

	private static String topic() {
		return "http://example.com/streamed#" + UUID.randomUUID();
	}

	private void awaitSubscribers(String topic, int count) {
		await().atMost(WampTestClient.timeout())
			.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == count);
	}

	private List<String> publishedJson(String topic) {
		return this.topicEvents.events.stream()
			.filter((event) -> event instanceof WampPublishedEvent && event.getTopic().equals(topic))
			.map((event) -> ((WampPublishedEvent) event).getEventJson())
			.toList();
	}

	@Test
	void subscribersAndThePublishedEventGetTheTreePathsTextForEveryEvent() throws Exception {
		assertThat(this.handler.publishReader().isEnabled()).as("streaming reader with Boot's JsonMapper").isTrue();
		String t = topic();
		String quoted = WampTestClient.JSON.writeValueAsString(t);
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			subscriber.send(5, t);
			awaitSubscribers(t, 1);
			List<String> events = new ArrayList<>(PublishCorpus.events());
			events.addAll(PublishCorpus.duplicateKeyEvents());
			List<String> expected = new ArrayList<>();
			for (String event : events) {
				String message = "[7," + quoted + "," + event + "]";
				String eventJson = PublishCorpus.treeText(this.jsonMapper, message);
				expected.add(eventJson);
				publisher.sendText(message);
				assertThat(subscriber.nextText()).as(event).isEqualTo("[8," + quoted + "," + eventJson + "]");
			}
			await().atMost(WampTestClient.timeout()).until(() -> publishedJson(t).size() == events.size());
			assertThat(publishedJson(t)).isEqualTo(expected);
			// what the tree writes, spelled out for a few
			assertThat(expected.subList(0, 2)).containsExactly("\"h\u00e9llo\"", "\"h\u00e9llo \u4e2d\u6587\"");
			assertThat(expected).contains("{\"a\":2}", "100.0", "1.0E-7", "\"Infinity\"", "0.1")
				.doesNotContain("-0", "1e2");
			assertThat(subscriber.pending()).isZero();
		}
	}

	@Test
	void curieWhitespaceAndOptionsTakeTheSameRoutes() throws Exception {
		String base = "http://example.com/" + UUID.randomUUID() + "#";
		try (WampTestClient p = WampTestClient.connect(this.port);
				WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			p.send(1, "ev", base);
			for (WampTestClient client : List.of(p, a, b)) {
				client.send(5, base + "x");
			}
			awaitSubscribers(base + "x", 3);
			String frame = "[8,\"" + base + "x\",";
			p.sendText("\n[ 7 ,\t\"ev:x\" , { \"v\" : [ 1 , 1.0 ] } , false ]\r\n");
			p.sendText("[7,\"ev:x\",\"only a\",[],[\"" + a.id() + "\"]]");
			p.sendText("[7,\"ev:x\",{\"d\":1,\"d\":2},[\"" + b.id() + "\"]]");
			p.sendText("[7,\"ev:x\",\"marker\",false]");
			assertThat(p.eventsUntil("marker").stream().map(Object::toString).toList())
				.containsExactly(frame + "{\"v\":[1,1.0]}]", frame + "{\"d\":2}]");
			assertThat(a.nextText()).isEqualTo(frame + "{\"v\":[1,1.0]}]");
			assertThat(a.nextText()).isEqualTo(frame + "\"only a\"]");
			assertThat(a.nextText()).isEqualTo(frame + "{\"d\":2}]");
			assertThat(b.nextText()).isEqualTo(frame + "{\"v\":[1,1.0]}]");
			assertThat(b.eventsUntil("marker")).isEmpty();
		}
	}

	@Test
	void malformedPublishIsIgnoredAndCountedAsBefore() throws Exception {
		String t = topic();
		String q = WampTestClient.JSON.writeValueAsString(t);
		List<Object[]> cases = List.of(new Object[] { "[7," + q + "]", BadFrame.BAD_ARGUMENTS },
				new Object[] { "[7]", BadFrame.BAD_ARGUMENTS }, new Object[] { "[7,5,\"e\"]", BadFrame.BAD_ARGUMENTS },
				new Object[] { "[7,null,\"e\"]", BadFrame.BAD_ARGUMENTS },
				new Object[] { "[7,[" + q + "],\"e\"]", BadFrame.BAD_ARGUMENTS },
				new Object[] { "[7," + q + ",\"e\",[],[],[]]", BadFrame.BAD_ARGUMENTS },
				new Object[] { "[7," + q + ",\"e\"] x", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",\"e\"] []", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",\"e\"]]", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",{\"a\":1", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",\"unterminated", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",01]", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",\"e\",]", BadFrame.NOT_JSON },
				new Object[] { "[7," + q + ",{\"a\":1,}]", BadFrame.NOT_JSON },
				new Object[] { "[7.0," + q + ",\"e\"]", BadFrame.NOT_ARRAY },
				new Object[] { "[\"7\"," + q + ",\"e\"]", BadFrame.NOT_ARRAY },
				new Object[] { "[70," + q + ",\"e\"]", BadFrame.UNKNOWN_TYPE });
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			subscriber.send(5, t);
			awaitSubscribers(t, 1);
			long publishes = this.metrics.getMessagesIn(WampMessageType.PUBLISH);
			for (Object[] c : cases) {
				String frame = (String) c[0];
				BadFrame kind = (BadFrame) c[1];
				long before = this.metrics.getBadFrames(kind);
				publisher.sendText(frame);
				publisher.send(2, "alive", "http://example.com/rpc#echo", "alive");
				assertThat(publisher.nextText()).as(frame).isEqualTo("[3,\"alive\",\"alive\"]");
				assertThat(this.metrics.getBadFrames(kind)).as(frame).isEqualTo(before + 1);
			}
			assertThat(this.metrics.getMessagesIn(WampMessageType.PUBLISH)).isEqualTo(publishes);
			publisher.send(7, t, "marker");
			assertThat(subscriber.eventsUntil("marker")).isEmpty();
			await().atMost(WampTestClient.timeout()).until(() -> !publishedJson(t).isEmpty());
			assertThat(publishedJson(t)).containsExactly("\"marker\"");
			assertThat(publisher.isOpen()).isTrue();
		}
	}

}
