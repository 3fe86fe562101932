package io.pubsubclub.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.sample.DemoNodes.label;
import static io.pubsubclub.sample.DemoNodes.startNode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in real headless Chromium against two real nodes of the sample app
 * clustered with each other, as {@code demo.sh} runs them: the page speaks WAMPv1 from the
 * browser, and what one page publishes shows on another, on the same node or the other.
 *
 * @author PubSubClub
 */
class DemoPageBrowserTests {

	private static final String TOPIC = "http://example.com/demo#chat";

	private static final long NODE_A_ID = 1_000_001;

	@RegisterExtension
	static final DemoBrowser demo = new DemoBrowser("", "--pubsubclub.node-id=" + NODE_A_ID);

	@Test
	void pageConnectsToTheNodeServingItOverWamp() {
		DemoPage page = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		assertThat(page.sessionId()).isNotBlank();
		assertThat(page.statusText()).contains("ws://" + label(demo.nodeA()) + "/wamp", page.sessionId());
	}

	@Test
	void eventPublishedThroughTheRpcShowsOnAnotherPageButNotOnTheCallers() {
		DemoPage publisher = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		DemoPage subscriber = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		publisher.subscribe(TOPIC);
		subscriber.subscribe(TOPIC);
		String text = "rpc " + UUID.randomUUID();

		// no SUBSCRIBE is acknowledged in WAMPv1: publish until the subscription has landed
		AtomicInteger attempt = new AtomicInteger();
		await("event on the subscriber's page").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				publisher.publishThroughRpc(TOPIC, text + " #" + attempt.incrementAndGet());
				assertThat(subscriber.events()).anySatisfy((event) -> {
					assertThat(event.text()).startsWith(text);
					assertThat(event.topic()).isEqualTo(TOPIC);
					assertThat(event.via()).isEqualTo(label(demo.nodeA()));
					assertThat(event.viaShown()).contains(label(demo.nodeA()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeA()));
				});
			});
		await("RPC result").atMost(DemoPage.TIMEOUT)
			.untilAsserted(() -> assertThat(publisher.publishResult()).contains("returned {}"));
		assertThat(publisher.events()).noneSatisfy((event) -> assertThat(event.text()).startsWith(text));
	}

	@Test
	void directPublishShowsOnAnotherPageAndOnThePublishersWhenItAsks() {
		DemoPage publisher = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		DemoPage subscriber = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		publisher.subscribe(TOPIC);
		subscriber.subscribe(TOPIC);
		String text = "direct " + UUID.randomUUID();

		AtomicInteger attempt = new AtomicInteger();
		await("event on both pages").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				publisher.publishDirectly(TOPIC, text + " #" + attempt.incrementAndGet(), true);
				for (DemoPage page : List.of(subscriber, publisher)) {
					assertThat(page.events()).anySatisfy((event) -> {
						assertThat(event.text()).startsWith(text);
						assertThat(event.via()).isEqualTo(label(demo.nodeA()));
						assertThat(event.origin()).isEqualTo(label(demo.nodeA()));
					});
				}
			});
	}

	@Test
	void eventPublishedOnNodeAShowsOnNodeBsPageWithTheNodeItCameThroughAndWasPublishedOn() {
		DemoPage pageA = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		DemoPage pageB = demo.openPage(demo.nodeB()).awaitConnectedTo(label(demo.nodeB()));
		pageB.subscribe(TOPIC);
		String text = "across " + UUID.randomUUID();

		// the subscription travels to node A over the cluster link: publish until it has
		AtomicInteger attempt = new AtomicInteger();
		await("event on node B's page").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				pageA.publishDirectly(TOPIC, text + " #" + attempt.incrementAndGet(), false);
				assertThat(pageB.events()).anySatisfy((event) -> {
					assertThat(event.text()).startsWith(text);
					assertThat(event.topic()).isEqualTo(TOPIC);
					assertThat(event.via()).isEqualTo(label(demo.nodeB()));
					assertThat(event.viaShown()).contains(label(demo.nodeB()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeA()));
					assertThat(event.originShown()).contains(label(demo.nodeA()));
				});
			});
	}

	@Test
	void pageMovesToTheOtherNodeWithItsSubscriptionsAndGetsWhatTheRpcPublishedOnTheFirst() {
		DemoPage moving = demo.openPage(demo.nodeA(), "?other=http://" + label(demo.nodeB()))
			.awaitConnectedTo(label(demo.nodeA()));
		moving.subscribe(TOPIC);
		moving.connectToOther();
		moving.awaitConnectedTo(label(demo.nodeB()));
		await("subscription carried to node B").atMost(DemoPage.TIMEOUT)
			.untilAsserted(() -> assertThat(moving.subscriptions()).containsEntry(TOPIC, true));
		DemoPage publisher = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		String text = "moved " + UUID.randomUUID();

		AtomicInteger attempt = new AtomicInteger();
		await("event on the moved page").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				publisher.publishThroughRpc(TOPIC, text + " #" + attempt.incrementAndGet());
				assertThat(moving.events()).anySatisfy((event) -> {
					assertThat(event.text()).startsWith(text);
					assertThat(event.via()).isEqualTo(label(demo.nodeB()));
					assertThat(event.origin()).isEqualTo(label(demo.nodeA()));
				});
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void wamp1ClientSpeaksCuriesCallErrorsReceiverListsAndUnsubscribe() {
		DemoPage page = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		Map<String, Object> outcome = page.runAsync("""
				const [url, done] = arguments;
				const topic = 'http://example.com/demo#lists';
				const got = { a: [], b: [] };
				const until = async (condition) => {
					for (let i = 0; i < 200 && !condition(); i++) {
						await new Promise((resolve) => setTimeout(resolve, 50));
					}
				};
				(async () => {
					const a = await Wamp1.connect(url);
					const b = await Wamp1.connect(url);
					a.prefix('demo', 'http://example.com/demo#');
					a.subscribe('demo:lists', (t, e) => got.a.push(t + ' ' + e));
					b.subscribe(topic, (t, e) => got.b.push(t + ' ' + e));
					// a CALL is answered after the session's earlier frames: a barrier for the SUBSCRIBEs
					const error = await a.call('demo:no-such-procedure').then(() => null, (e) => e);
					await b.call(topic).catch(() => null);
					b.publish(topic, 'default');
					b.publish(topic, 'everyone', false);
					b.publish(topic, 'all but a', [a.sessionId]);
					b.publish(topic, 'only a', [], [a.sessionId]);
					b.publish(topic, 'nobody', [], []);
					await until(() => got.a.length >= 3 && got.b.length >= 2);
					a.unsubscribe('demo:lists');
					await a.call(topic).catch(() => null);
					b.publish(topic, 'after a left', false);
					await until(() => got.b.length >= 3);
					a.close();
					b.close();
					return { a: got.a, b: got.b, errorName: error && error.name, errorUri: error && error.uri };
				})().then(done, (e) => done({ failure: String(e) }));""", "ws://" + label(demo.nodeA()) + "/wamp");
		String topic = "http://example.com/demo#lists ";
		assertThat(outcome).doesNotContainKey("failure");
		assertThat(outcome.get("errorName")).isEqualTo("CallError");
		assertThat(outcome.get("errorUri")).isEqualTo("http://api.wamp.ws/error#NoSuchRPCEndpoint");
		assertThat((List<String>) outcome.get("a")).containsExactly(topic + "default", topic + "everyone",
				topic + "only a");
		assertThat((List<String>) outcome.get("b")).containsExactly(topic + "everyone", topic + "all but a",
				topic + "after a left");
	}

	@Test
	void pageLogsInWithWampCraLikeAutobahnJsAndShowsThePermissions() {
		DemoPage page = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		page.logIn("demo", "wrong secret");
		assertThat(page.awaitAuthState("failed")).contains("http://api.wamp.ws/error#invalid-signature");
		// a failed attempt does not end the session: log in again on it (salted: authextra, deriveKey)
		page.logIn("demo", "demo-secret");
		assertThat(page.awaitAuthState("authenticated")).contains("Authenticated as demo",
				"sub pub http://example.com/demo#*", "call http://example.com/pubsub#*");
		page.subscribe(TOPIC);
		String text = "logged in " + UUID.randomUUID();
		AtomicInteger attempt = new AtomicInteger();
		await("own event, published under the login's permissions").atMost(DemoPage.TIMEOUT).pollInterval(Duration.ofMillis(500))
			.untilAsserted(() -> {
				page.publishDirectly(TOPIC, text + " #" + attempt.incrementAndGet(), true);
				assertThat(page.events()).anySatisfy((event) -> assertThat(event.text()).startsWith(text));
			});
	}

	@Test
	@SuppressWarnings("unchecked")
	void wamp1ClientAuthenticatesAndItsPermissionsHold() {
		DemoPage page = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		Map<String, Object> outcome = page.runAsync("""
				const [url, done] = arguments;
				const topic = 'http://example.com/demo#chat';
				const got = [];
				const until = async (condition) => {
					for (let i = 0; i < 200 && !condition(); i++) {
						await new Promise((resolve) => setTimeout(resolve, 50));
					}
				};
				(async () => {
					const derived = await Wamp1.deriveKey('demo-secret', { salt: 'pubsubclub-demo' });
					const viewer = await Wamp1.connect(url);
					const other = await Wamp1.connect(url);
					other.subscribe(topic, (t, e) => got.push(e));
					// AutobahnJS's steps one by one: authreq, authsign, auth (plain secret)
					const challenge = await viewer.authreq('viewer');
					const signature = await viewer.authsign(challenge, 'viewer-secret');
					const permissions = await viewer.auth(signature);
					viewer.publish(topic, 'from the viewer, who may only subscribe', false);
					// answered after the PUBLISH before it: a barrier
					const refused = await viewer.call('http://example.com/pubsub#publish',
						{ channel: topic, content: 'via rpc' }).then(() => null, (e) => e.uri);
					await other.call('http://example.com/no#barrier').catch(() => null);
					other.publish(topic, 'marker', false);
					await until(() => got.includes('marker'));
					const unknown = await (await Wamp1.connect(url)).authenticate('nobody', 'x').then(() => null, (e) => e.uri);
					viewer.close();
					other.close();
					return { derived, challenge: JSON.parse(challenge), permissions, refused, got, unknown };
				})().then(done, (e) => done({ failure: String(e) }));""", "ws://" + label(demo.nodeA()) + "/wamp");
		assertThat(outcome).doesNotContainKey("failure");
		// WebCrypto's PBKDF2 gives what CryptoJS (AutobahnJS's deriveKey) and Python give
		assertThat(outcome.get("derived")).isEqualTo("rjQPBggLoWSPogUOGXzBixkVYqG77euvh4Jk9gjUALc=");
		assertThat((Map<String, Object>) outcome.get("challenge")).containsEntry("authkey", "viewer")
			.doesNotContainKey("authextra");
		assertThat(outcome.get("permissions")).isEqualTo(Map.of("pubsub", List.of(Map.of("uri",
				"http://example.com/demo#chat", "prefix", false, "pub", false, "sub", true)), "rpc", List.of()));
		assertThat(outcome.get("refused")).isEqualTo("http://api.wamp.ws/error#not-authorized");
		assertThat((List<String>) outcome.get("got")).containsExactly("marker");
		assertThat(outcome.get("unknown")).isEqualTo("http://api.wamp.ws/error#no-such-authkey");
	}

	@Test
	@SuppressWarnings("unchecked")
	void clusterViewShowsTheConnectedNodesIdAndLinks() throws Exception {
		assertThat(actuatorStatus(demo.nodeA())).isEqualTo(200);
		DemoPage page = demo.openPage(demo.nodeA()).awaitConnectedTo(label(demo.nodeA()));
		await("cluster view").atMost(DemoPage.TIMEOUT).untilAsserted(() -> {
			Map<String, Object> view = page.clusterView();
			String text = (String) view.get("text");
			assertThat(view.get("state")).as(text).isEqualTo("shown");
			assertThat(view.get("nodeId")).isEqualTo(String.valueOf(NODE_A_ID));
			assertThat(text).contains("Node " + NODE_A_ID);
			// node A's links to node B, both ways, up
			assertThat((List<String>) view.get("links")).as(text)
				.hasSizeGreaterThanOrEqualTo(2)
				.allSatisfy((link) -> assertThat(link).contains("ready"));
		});
	}

	@Test
	void clusterViewSaysTheEndpointIsAbsentOnANodeThatDoesNotExposeIt() throws Exception {
		try (ConfigurableApplicationContext plain = startNode(false, "--pubsubclub.server.port=0")) {
			assertThat(actuatorStatus(plain)).isEqualTo(404);
			DemoPage page = demo.openPage(plain).awaitConnectedTo(label(plain));
			await("cluster view").atMost(DemoPage.TIMEOUT).untilAsserted(() -> {
				Map<String, Object> view = page.clusterView();
				String text = (String) view.get("text");
				assertThat(view.get("state")).as(text).isEqualTo("absent");
				assertThat(text).contains("404");
			});
		}
	}

	private static int actuatorStatus(ConfigurableApplicationContext node) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://" + label(node) + "/actuator/pubsubclub")).build(),
					BodyHandlers.discarding())
			.statusCode();
	}

}
