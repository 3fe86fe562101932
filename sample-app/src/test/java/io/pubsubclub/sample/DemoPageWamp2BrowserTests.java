package io.pubsubclub.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.json.JsonParserFactory;

import static io.pubsubclub.sample.DemoNodes.label;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page's WAMP v2 client, Autobahn|JS as the build serves it, in real headless
 * Chromium against two clustered nodes of the sample app: one page holds a v1 client on node
 * A and a v2 client on node B, and each gets what the other publishes, with the payload
 * mapping of WAMP2.md (a v1 event {@code E} is {@code args = [E]}; one v2 argument is the v1
 * event; any other v2 payload is the {@code {"args", "kwargs"}} wrapper for v1 and exact for
 * v2 across the hop).
 *
 * @author PubSubClub
 */
class DemoPageWamp2BrowserTests {

	private static final String V1_TOPIC = "http://example.com/demo#chat";

	/** The same topic, as the sample's topic-prefixes name it for v2 clients. */
	private static final String V2_TOPIC = "com.example.demo.chat";

	@RegisterExtension
	static final DemoBrowser demo = new DemoBrowser("wamp2-");

	@Test
	void v2ClientOnNodeBGetsWhatTheV1ClientPublishesOnNodeAAsItsOneArgument() {
		DemoPage page = openPageOnAWithV2OnB();
		page.v2Subscribe(V2_TOPIC);
		String text = "v1 to v2 " + UUID.randomUUID();

		// the v2 subscription travels to node A over the cluster link: publish until it has
		AtomicInteger attempt = new AtomicInteger();
		await("v1 event on node B's v2 client").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				page.publishDirectly(V1_TOPIC, text + " #" + attempt.incrementAndGet(), false);
				assertThat(page.v2Events()).anySatisfy((event) -> {
					assertThat(event.topic()).isEqualTo(V2_TOPIC);
					assertThat(event.via()).isEqualTo(label(demo.nodeB()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeA()));
					assertThat(event.kwargs()).as("no ArgumentsKw").isEmpty();
					List<Object> args = JsonParserFactory.getJsonParser().parseList(event.args());
					assertThat(args).singleElement().satisfies((e) -> {
						assertThat(e).isInstanceOf(Map.class);
						assertThat((String) ((Map<?, ?>) e).get("text")).startsWith(text);
						assertThat(((Map<?, ?>) ((Map<?, ?>) e).get("origin")).get("node")).isEqualTo(label(demo.nodeA()));
					});
				});
			});
	}

	@Test
	void v1ClientOnNodeAGetsTheV2ClientsOneArgumentAsTheEventAndAnyOtherPayloadAsTheWrapper() {
		DemoPage page = openPageOnAWithV2OnB();
		page.subscribe(V1_TOPIC);
		page.v2Subscribe(V2_TOPIC);
		String text = "v2 to v1 " + UUID.randomUUID();

		AtomicInteger attempt = new AtomicInteger();
		await("v2 event (one argument) on node A's v1 client").atMost(DemoPage.TIMEOUT)
			.pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				page.v2Publish(V2_TOPIC, text + " #" + attempt.incrementAndGet(), false, false);
				assertThat(page.events()).anySatisfy((event) -> {
					assertThat(event.text()).startsWith(text);
					assertThat(event.topic()).isEqualTo(V1_TOPIC);
					assertThat(event.via()).isEqualTo(label(demo.nodeA()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeB()));
				});
			});
		await("PUBLISHED").atMost(DemoPage.TIMEOUT)
			.untilAsserted(() -> assertThat(page.v2PublishResult()).startsWith("Published on " + label(demo.nodeB())));

		String wrapped = "kwargs " + UUID.randomUUID();
		page.v2Publish(V2_TOPIC, wrapped, true, false);
		await("v2 event (args and kwargs) on node A's v1 client").atMost(DemoPage.TIMEOUT).untilAsserted(() ->
				assertThat(page.events()).anySatisfy((event) -> {
					assertThat(event.text()).contains(wrapped);
					Map<String, Object> wrapper = JsonParserFactory.getJsonParser().parseMap(event.text());
					assertThat(wrapper).containsOnlyKeys("args", "kwargs");
					assertThat(wrapper.get("args")).isEqualTo(List.of(wrapped));
					assertThat(((Map<?, ?>) ((Map<?, ?>) wrapper.get("kwargs")).get("origin")).get("node"))
						.isEqualTo(label(demo.nodeB()));
				}));
		// neither v2 publish came back to the v2 client that made it (exclude_me)
		assertThat(page.v2Events()).isEmpty();
	}

	@Test
	void v2ClientsOnTwoNodesGetEachOthersArgsAndKwargsExactly() {
		DemoPage onB = openPageOnAWithV2OnB();
		DemoPage onA = demo.openPage(demo.nodeA(), "").awaitV2ConnectedTo(label(demo.nodeA()));
		onA.v2Subscribe(V2_TOPIC);
		String text = "v2 to v2 " + UUID.randomUUID();

		AtomicInteger attempt = new AtomicInteger();
		await("v2 event on node A's v2 client").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				onB.v2Publish(V2_TOPIC, text + " #" + attempt.incrementAndGet(), true, false);
				assertThat(onA.v2Events()).anySatisfy((event) -> {
					assertThat(event.via()).isEqualTo(label(demo.nodeA()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeB()));
					assertThat(JsonParserFactory.getJsonParser().parseList(event.args())).singleElement()
						.asString()
						.startsWith(text);
					assertThat(JsonParserFactory.getJsonParser().parseMap(event.kwargs())).containsOnlyKeys("origin");
				});
			});
	}

	/** A page on node A whose v1 client is on A and whose v2 client is on B ("Other node"). */
	private DemoPage openPageOnAWithV2OnB() {
		return demo.openPage(demo.nodeA(), "?other=http://" + label(demo.nodeB()))
			.awaitConnectedTo(label(demo.nodeA()))
			.awaitV2ConnectedTo(label(demo.nodeB()));
	}

}
