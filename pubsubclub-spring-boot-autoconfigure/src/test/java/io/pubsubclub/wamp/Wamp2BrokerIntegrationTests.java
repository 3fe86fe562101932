package io.pubsubclub.wamp;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.Wamp2FrameClient;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampTopicEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WAMP v2 broker beside v1 on one node: one topic space through the prefix mapping,
 * the payload mapping of WAMP2.md both ways, publisher exclusion, black and white
 * listing, publisher identification, acknowledgements and errors.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1",
				"pubsubclub.wamp.v2.topic-prefixes.[http\\://example.com/chat#]=com.example.chat.",
				"pubsubclub.wamp.topics.subscribe=http://example.com/*,com.example.*",
				"pubsubclub.wamp.topics.publish=http://example.com/*,com.example.*",
				"pubsubclub.wamp.limits.subscriptions-per-session=5" })
class Wamp2BrokerIntegrationTests extends WampServerTestBase {

	private static final String V1_TOPIC = "http://example.com/chat#room1";

	private static final String V2_TOPIC = "com.example.chat.room1";

	@Autowired
	WampTestApplication.TopicEvents topicEvents;

	@Test
	void aV1EventReachesV2SubscribersAsTheOneArgumentAndTheSubscriptionIsTheV1Topic() throws Exception {
		try (WampTestClient v1 = WampTestClient.connect(this.port);
				Wamp2FrameClient v2 = Wamp2FrameClient.join(this.port)) {
			this.topicEvents.events.clear();
			long subscription = v2.subscribe(V2_TOPIC);
			// the registry, the bridge and so the cluster know the v1 form
			assertThat(this.server.getTopicSubscriberCounts()).containsEntry(V1_TOPIC, 1);
			WampTopicEvent subscribed = this.topicEvents.events.poll();
			assertThat(subscribed).isInstanceOf(WampSubscribedEvent.class);
			assertThat(subscribed.getTopic()).isEqualTo(V1_TOPIC);
			v1.send(7, V1_TOPIC, java.util.Map.of("text", "hi"));
			JsonNode event = v2.nextJson();
			assertThat(event.size()).isEqualTo(5);
			assertThat(event.get(0).intValue()).isEqualTo(36);
			assertThat(event.get(1).longValue()).isEqualTo(subscription);
			assertThat(event.get(2).longValue()).isBetween(1L, 1L << 53);
			assertThat(event.get(3).toString()).isEqualTo("{}");
			assertThat(event.get(4).toString()).isEqualTo("[{\"text\":\"hi\"}]");
			// a v1 null is the one argument null
			v1.send(7, V1_TOPIC, null);
			assertThat(v2.nextJson().get(4).toString()).isEqualTo("[null]");
		}
	}

	@Test
	void aV2PublishReachesV1SubscribersByThePayloadMapping() throws Exception {
		try (WampTestClient v1 = WampTestClient.connect(this.port);
				Wamp2FrameClient v2sub = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient publisher = Wamp2FrameClient.join(this.port)) {
			v1.send(5, V1_TOPIC);
			long subscription = v2sub.subscribe(V2_TOPIC);
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(V1_TOPIC, 0) == 2);
			// exactly one argument, no keywords: the v1 event is that argument
			publisher.send("[16,1,{},\"" + V2_TOPIC + "\",[{\"a\":1}]]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"a\":1}]");
			assertThat(tail(v2sub.nextJson(), subscription)).isEqualTo("[{\"a\":1}]");
			// empty keywords change nothing
			publisher.send("[16,2,{},\"" + V2_TOPIC + "\",[\"x\"],{}]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"x\"]");
			assertThat(tail(v2sub.nextJson(), subscription)).isEqualTo("[\"x\"]");
			// anything else: the wrapper for v1, the exact payload for v2
			publisher.send("[16,3,{},\"" + V2_TOPIC + "\",[1,2],{\"k\":true}]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[1,2],\"kwargs\":{\"k\":true}}]");
			assertThat(tail(v2sub.nextJson(), subscription)).isEqualTo("[1,2],{\"k\":true}");
			publisher.send("[16,4,{},\"" + V2_TOPIC + "\"]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[],\"kwargs\":{}}]");
			assertThat(tail(v2sub.nextJson(), subscription)).isEmpty();
			publisher.send("[16,5,{},\"" + V2_TOPIC + "\",[],{\"only\":\"kw\"}]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[],\"kwargs\":{\"only\":\"kw\"}}]");
			assertThat(tail(v2sub.nextJson(), subscription)).isEqualTo("[],{\"only\":\"kw\"}");
		}
	}

	@Test
	void argumentsReachSubscribersAsTheyWereSent() throws Exception {
		try (WampTestClient v1 = WampTestClient.connect(this.port);
				Wamp2FrameClient v2sub = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient publisher = Wamp2FrameClient.join(this.port)) {
			v1.send(5, V1_TOPIC);
			long subscription = v2sub.subscribe(V2_TOPIC);
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(V1_TOPIC, 0) == 2);
			// numbers past a double's range or precision stay the numbers they were (not
			// "Infinity", a string, or 0.1)
			publisher.send("[16,1,{},\"" + V2_TOPIC + "\",[1e400]]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",1e400]");
			assertThat(v2sub.next()).endsWith(",{},[1e400]]");
			publisher.send("[16,2,{},\"" + V2_TOPIC + "\",[0.10000000000000000000001, 1e400],{\"n\":-1e400}]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC
					+ "\",{\"args\":[0.10000000000000000000001, 1e400],\"kwargs\":{\"n\":-1e400}}]");
			assertThat(v2sub.next()).endsWith(",{},[0.10000000000000000000001, 1e400],{\"n\":-1e400}]");
			// an escaped lone surrogate stays escaped, so every frame can be sent
			publisher.send("[16,3,{},\"" + V2_TOPIC + "\",[\"\\ud800x\"]]");
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"\\ud800x\"]");
			assertThat(v2sub.next()).startsWith("[36," + subscription + ",").endsWith(",{},[\"\\ud800x\"]]");
			assertThat(v1.pending()).isZero();
		}
	}

	@Test
	void theBridgeEventCarriesTheV1FormAndSaysWhenItIsAWrapper() throws Exception {
		try (Wamp2FrameClient v2sub = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient publisher = Wamp2FrameClient.join(this.port)) {
			v2sub.subscribe(V2_TOPIC);
			this.topicEvents.events.clear();
			publisher.send("[16,1,{\"acknowledge\":true},\"" + V2_TOPIC + "\",[1,2]]");
			assertThat(publisher.nextJson().get(0).intValue()).isEqualTo(17);
			WampPublishedEvent wrapped = (WampPublishedEvent) this.topicEvents.events.poll();
			assertThat(wrapped.getTopic()).isEqualTo(V1_TOPIC);
			assertThat(wrapped.getEventJson()).isEqualTo("{\"args\":[1,2],\"kwargs\":{}}");
			assertThat(wrapped.isV2()).isTrue();
			assertThat(wrapped.getExclude()).containsExactly(Long.toString(publisher.id()));
			publisher.send("[16,2,{\"acknowledge\":true},\"" + V2_TOPIC + "\",[3]]");
			assertThat(publisher.nextJson().get(0).intValue()).isEqualTo(17);
			WampPublishedEvent plain = (WampPublishedEvent) this.topicEvents.events.poll();
			assertThat(plain.getEventJson()).isEqualTo("3");
			assertThat(plain.isV2()).isFalse();
		}
	}

	@Test
	void publisherExclusionListsAndIdentification() throws Exception {
		try (WampTestClient v1 = WampTestClient.connect(this.port);
				Wamp2FrameClient a = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient b = Wamp2FrameClient.join(this.port)) {
			v1.send(5, V1_TOPIC);
			long subscription = a.subscribe(V2_TOPIC);
			assertThat(b.subscribe(V2_TOPIC)).as("one subscription id per topic").isEqualTo(subscription);
			await().until(() -> this.server.getTopicSubscriberCounts().getOrDefault(V1_TOPIC, 0) == 3);
			// exclude_me defaults to true
			a.send("[16,1,{\"acknowledge\":true},\"" + V2_TOPIC + "\",[\"one\"]]");
			JsonNode published = a.nextJson();
			assertThat(published.get(0).intValue()).isEqualTo(17);
			assertThat(published.get(1).longValue()).isEqualTo(1);
			JsonNode event = b.nextJson();
			assertThat(event.get(2).longValue()).as("the publication id acknowledged").isEqualTo(published.get(2).longValue());
			assertThat(v1.nextText()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"one\"]");
			// exclude_me false: the publisher gets its own event
			a.send("[16,2,{\"exclude_me\":false},\"" + V2_TOPIC + "\",[\"two\"]]");
			assertThat(tail(a.nextJson(), subscription)).isEqualTo("[\"two\"]");
			assertThat(tail(b.nextJson(), subscription)).isEqualTo("[\"two\"]");
			assertThat(v1.nextText()).endsWith(",\"two\"]");
			// exclude is independent of exclude_me
			a.send("[16,3,{\"exclude_me\":false,\"exclude\":[" + b.id() + "]},\"" + V2_TOPIC + "\",[\"three\"]]");
			assertThat(tail(a.nextJson(), subscription)).isEqualTo("[\"three\"]");
			assertThat(v1.nextText()).endsWith(",\"three\"]");
			// eligible restricts every receiver: no v1 session is in a list of v2 ids
			a.send("[16,4,{\"eligible\":[" + b.id() + "]},\"" + V2_TOPIC + "\",[\"four\"]]");
			assertThat(tail(b.nextJson(), subscription)).isEqualTo("[\"four\"]");
			// authid and authrole lists (anonymous sessions: authid the session id)
			a.send("[16,5,{\"exclude_authid\":[\"" + b.id() + "\"]},\"" + V2_TOPIC + "\",[\"five\"]]");
			assertThat(v1.nextText()).endsWith(",\"five\"]");
			a.send("[16,6,{\"eligible_authrole\":[\"anonymous\"]},\"" + V2_TOPIC + "\",[\"six\"]]");
			assertThat(tail(b.nextJson(), subscription)).isEqualTo("[\"six\"]");
			a.send("[16,7,{\"exclude_authrole\":[\"anonymous\"],\"exclude_me\":false},\"" + V2_TOPIC + "\",[\"seven\"]]");
			assertThat(v1.nextText()).endsWith(",\"seven\"]");
			// disclose_me
			a.send("[16,8,{\"disclose_me\":true},\"" + V2_TOPIC + "\",[\"eight\"]]");
			JsonNode disclosed = b.nextJson();
			assertThat(disclosed.get(3).get("publisher").longValue()).isEqualTo(a.id());
			assertThat(v1.nextText()).endsWith(",\"eight\"]");
			// nothing else arrived: every exclusion held
			b.send("[16,9,{\"exclude_me\":false},\"" + V2_TOPIC + "\",[\"end\"]]");
			assertThat(tail(a.nextJson(), subscription)).isEqualTo("[\"end\"]");
			assertThat(tail(b.nextJson(), subscription)).isEqualTo("[\"end\"]");
			assertThat(v1.nextText()).endsWith(",\"end\"]");
			assertThat(a.frames).isEmpty();
			assertThat(b.frames).isEmpty();
			assertThat(v1.pending()).isZero();
		}
	}

	@Test
	void subscriptionErrorsAndUnsubscribe() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.join(this.port)) {
			client.send("[32,1,{\"match\":\"prefix\"},\"com.example.chat\"]");
			assertError(client.nextJson(), 32, 1, "wamp.error.invalid_argument");
			client.send("[32,2,{},\"com.example.chat#room1\"]");
			assertError(client.nextJson(), 32, 2, "wamp.error.invalid_uri");
			client.send("[32,3,{},\"com..example\"]");
			assertError(client.nextJson(), 32, 3, "wamp.error.invalid_uri");
			client.send("[32,4,{},\"org.other.topic\"]");
			assertError(client.nextJson(), 32, 4, "wamp.error.not_authorized");
			client.send("[34,5,12345]");
			assertError(client.nextJson(), 34, 5, "wamp.error.no_such_subscription");
			long subscription = client.subscribe(V2_TOPIC);
			// a second SUBSCRIBE to the same topic is the same subscription
			assertThat(client.subscribe(V2_TOPIC)).isEqualTo(subscription);
			client.send("[34,6," + subscription + "]");
			assertThat(client.next()).isEqualTo("[35,6]");
			await().until(() -> !this.server.getTopicSubscriberCounts().containsKey(V1_TOPIC));
			client.send("[34,7," + subscription + "]");
			assertError(client.nextJson(), 34, 7, "wamp.error.no_such_subscription");
			for (int i = 0; i < 5; i++) {
				client.subscribe("com.example.limit" + i);
			}
			client.send("[32,8,{},\"com.example.limit5\"]");
			assertError(client.nextJson(), 32, 8, "pubsubclub.error.limit_exceeded");
			// a refused PUBLISH is answered only when acknowledged
			client.send("[16,9,{},\"org.other.topic\",[1]]");
			client.send("[16,10,{\"acknowledge\":true},\"org.other.topic\",[1]]");
			assertError(client.nextJson(), 16, 10, "wamp.error.not_authorized");
			client.send("[16,11,{\"acknowledge\":true,\"exclude\":[\"x\"]},\"" + V2_TOPIC + "\",[1]]");
			assertError(client.nextJson(), 16, 11, "wamp.error.invalid_argument");
			client.send("[16,12,{\"acknowledge\":true},\"bad uri\",[1]]");
			assertError(client.nextJson(), 16, 12, "wamp.error.invalid_uri");
			await().during(Duration.ofMillis(200)).until(() -> client.frames.isEmpty());
			assertThat(client.isOpen()).isTrue();
		}
	}

	private static void assertError(JsonNode error, int requestType, long request, String uri) {
		assertThat(error.get(0).intValue()).as("ERROR: %s", error).isEqualTo(8);
		assertThat(error.get(1).intValue()).isEqualTo(requestType);
		assertThat(error.get(2).longValue()).isEqualTo(request);
		assertThat(error.get(4).stringValue()).isEqualTo(uri);
	}

	/** The Arguments and ArgumentsKw of an EVENT as text, after checking its head. */
	private static String tail(JsonNode event, long subscription) {
		assertThat(event.get(0).intValue()).as("EVENT: %s", event).isEqualTo(36);
		assertThat(event.get(1).longValue()).isEqualTo(subscription);
		StringBuilder tail = new StringBuilder();
		for (int i = 4; i < event.size(); i++) {
			tail.append((i > 4) ? "," : "").append(event.get(i).toString());
		}
		return tail.toString();
	}

}
