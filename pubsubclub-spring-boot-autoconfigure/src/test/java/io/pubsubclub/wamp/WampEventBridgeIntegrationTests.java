package io.pubsubclub.wamp;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampTopicEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The event-publisher bridge: subscribed, unsubscribed and published events, and
 * deliveries from elsewhere through {@link LocalSubscribers}.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.server-ident=TestServer/1" })
class WampEventBridgeIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	LocalSubscribers localSubscribers;

	@Autowired
	WampPublisher publisher;

	@Autowired
	WampTestApplication.TopicEvents topicEvents;

	private static String topic() {
		return "http://example.com/bridge#" + UUID.randomUUID();
	}

	private List<String> eventsOf(String topic) {
		return this.topicEvents.events.stream()
			.filter((event) -> event.getTopic().equals(topic))
			.map(WampEventBridgeIntegrationTests::describe)
			.toList();
	}

	private static String describe(WampTopicEvent event) {
		if (event instanceof WampPublishedEvent published) {
			return "published " + published.getEventJson();
		}
		return (event instanceof WampSubscribedEvent) ? "subscribed"
				: (event instanceof WampUnsubscribedEvent) ? "unsubscribed" : event.toString();
	}

	private void awaitSubscribers(String topic, int count) {
		await().atMost(WampTestClient.timeout())
			.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(topic, 0) == count);
	}

	@Test
	void firstSubscriberAndLastUnsubscriberAreAnnouncedOnce() throws Exception {
		String t = topic();
		try (WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			a.send(5, t);
			awaitSubscribers(t, 1);
			assertThat(eventsOf(t)).containsExactly("subscribed");
			a.send(5, t);
			b.send(5, t);
			awaitSubscribers(t, 2);
			a.send(6, t);
			awaitSubscribers(t, 1);
			assertThat(eventsOf(t)).containsExactly("subscribed");
			b.send(6, t);
			b.send(6, t);
			await().atMost(WampTestClient.timeout()).until(() -> eventsOf(t).size() == 2);
			assertThat(eventsOf(t)).containsExactly("subscribed", "unsubscribed");
			assertThat(this.localSubscribers.topics()).doesNotContain(t);
		}
	}

	@Test
	void closingSessionUnsubscribesEachTopicItHeldOnce() throws Exception {
		String t1 = topic();
		String t2 = topic();
		String shared = topic();
		try (WampTestClient other = WampTestClient.connect(this.port)) {
			other.send(5, shared);
			awaitSubscribers(shared, 1);
			try (WampTestClient a = WampTestClient.connect(this.port)) {
				a.send(5, t1);
				a.send(5, t2);
				a.send(5, shared);
				awaitSubscribers(t1, 1);
				awaitSubscribers(t2, 1);
				awaitSubscribers(shared, 2);
				assertThat(this.localSubscribers.topics()).contains(t1, t2, shared);
			}
			await().atMost(WampTestClient.timeout()).until(() -> eventsOf(t1).size() == 2 && eventsOf(t2).size() == 2);
			assertThat(eventsOf(t1)).containsExactly("subscribed", "unsubscribed");
			assertThat(eventsOf(t2)).containsExactly("subscribed", "unsubscribed");
			awaitSubscribers(shared, 1);
			assertThat(eventsOf(shared)).containsExactly("subscribed");
		}
	}

	@Test
	void clientAndBeanPublishesAreAnnouncedWithTheirJsonButDeliveriesAreNot() throws Exception {
		String t = topic();
		String unsubscribed = topic();
		try (WampTestClient a = WampTestClient.connect(this.port);
				WampTestClient b = WampTestClient.connect(this.port)) {
			a.send(5, t);
			awaitSubscribers(t, 1);
			b.send(7, t, Map.of("from", "client"));
			assertThat(a.nextText()).contains("{\"from\":\"client\"}");
			this.publisher.publish(t, List.of("from bean", 1));
			assertThat(a.nextText()).contains("[\"from bean\",1]");
			assertThat(this.localSubscribers.deliver(t, "{\"from\":\"elsewhere\"}")).isEqualTo(1);
			assertThat(a.nextText()).isEqualTo("[8," + WampTestClient.JSON.writeValueAsString(t)
					+ ",{\"from\":\"elsewhere\"}]");
			assertThat(this.localSubscribers.deliver(unsubscribed, "1")).isZero();
			b.send(7, unsubscribed, "nobody listens");
			this.publisher.publish(t, "marker");
			a.eventsUntil("marker");
			// a client publish is announced on the session's thread, after its local delivery
			await().atMost(WampTestClient.timeout()).until(() -> eventsOf(t).size() == 4);
			assertThat(eventsOf(t).get(0)).isEqualTo("subscribed");
			assertThat(eventsOf(t)).containsExactlyInAnyOrder("subscribed", "published {\"from\":\"client\"}",
					"published [\"from bean\",1]", "published \"marker\"");
			await().atMost(WampTestClient.timeout()).until(() -> !eventsOf(unsubscribed).isEmpty());
			assertThat(eventsOf(unsubscribed)).containsExactly("published \"nobody listens\"");
		}
	}

}
