package io.pubsubclub.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.micrometer.core.instrument.MeterRegistry;
import io.pubsubclub.actuate.ActuateTestNodes.Node;
import io.pubsubclub.actuate.ActuateTestNodes.Response;
import io.pubsubclub.cluster.WampFrameClient;
import io.pubsubclub.cluster.ClosedPort;
import io.pubsubclub.cluster.StablePort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint, health and meters read over HTTP from real nodes (Boot web applications
 * on random ports) clustered in this JVM.
 */
class PubSubClubActuatorIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String TOPIC = "http://example.com/ops#t";

	private final ActuateTestNodes nodes = new ActuateTestNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void endpointHealthAndMetersDescribeAThreeNodeCluster() throws Exception {
		Node a = this.nodes.start();
		Node b = this.nodes.start();
		Node c = this.nodes.start();
		ActuateTestNodes.mesh(a, b, c);
		for (Node node : List.of(a, b, c)) {
			await().atMost(WAIT).until(() -> readyLinks(node) == 4);
		}
		WampFrameClient publisher = this.nodes.wamp(a);
		WampFrameClient subscriber = this.nodes.wamp(b);
		subscriber.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumerLinksAsking(a, TOPIC).size() == 1);
		publisher.send("[7,\"" + TOPIC + "\",{\"n\":1}]");
		assertThat(subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"n\":1}]");
		// an idle link writes a 301 at once, on the publishing thread: the far subscriber
		// may have the event before node A has counted and timed it
		await().atMost(WAIT)
			.until(() -> a.cluster().state().totals().publishesForwarded() == 1
					&& consumerLinksAsking(a, TOPIC).get(0).path("messagesOut").asLong() >= 2
					&& metric(a, "pubsubclub.cluster.latency", "type:forward") == 1);

		JsonNode cluster = this.nodes.get(a, "/actuator/pubsubclub").body().path("cluster");
		assertThat(cluster.path("nodeId").asLong()).isEqualTo(a.cluster().nodeId());
		assertThat(cluster.path("roles").path("producer").asString()).isEqualTo("server");
		assertThat(cluster.path("roles").path("consumer").asString()).isEqualTo("client");
		assertThat(cluster.path("server").asString()).isEqualTo(a.clusterAddress().toString());
		assertThat(cluster.path("links")).hasSize(4);
		// the event went out on the link B's consumer dialled into A's producer
		List<JsonNode> asking = consumerLinksAsking(a, TOPIC);
		assertThat(asking).hasSize(1);
		JsonNode fromB = asking.get(0);
		assertThat(fromB.path("direction").asString()).isEqualTo("accepted");
		assertThat(fromB.path("state").asString()).isEqualTo("ready");
		assertThat(fromB.path("version").asString()).isNotEmpty();
		assertThat(fromB.path("connectedSince").asString()).isNotEmpty();
		assertThat(fromB.path("topics").get(0).asString()).isEqualTo(TOPIC);
		assertThat(fromB.path("messagesOut").asLong()).isGreaterThanOrEqualTo(2);
		assertThat(fromB.path("bytesOut").asLong()).isGreaterThan(TOPIC.length());
		assertThat(fromB.path("messagesIn").asLong()).isGreaterThanOrEqualTo(2);
		// a far node of this project names itself in its upgrade header, consumer or not
		assertThat(fromB.path("farNodeId").asLong()).isEqualTo(b.cluster().nodeId());
		// absent values are left out of the JSON
		assertThat(fromB.has("lastError")).isFalse();
		assertThat(fromB.has("nextAttempt")).isFalse();
		// A's consumer dialled B's producer
		JsonNode toB = dialledLinkTo(a, b);
		assertThat(toB.path("direction").asString()).isEqualTo("dialled");
		assertThat(toB.path("farRole").asString()).isEqualTo("producer");
		assertThat(toB.path("state").asString()).isEqualTo("ready");
		assertThat(toB.path("version").asString()).isNotEmpty();
		assertThat(toB.path("connectedSince").asString()).isNotEmpty();
		assertThat(toB.path("messagesOut").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(toB.path("messagesIn").asLong()).isGreaterThanOrEqualTo(1);
		assertThat(toB.path("reconnectAttempts").asLong()).isOne();
		assertThat(toB.has("lastError")).isFalse();
		assertThat(toB.has("nextAttempt")).isFalse();
		// the links A's consumer dialled to B's and C's producers carry their node ids; the
		// links accepted from their consumers are the consumer side
		List<Long> farProducers = new ArrayList<>();
		for (JsonNode link : cluster.path("links")) {
			if (link.path("direction").asString().equals("dialled")) {
				assertThat(link.path("farRole").asString()).isEqualTo("producer");
				farProducers.add(link.path("farNodeId").asLong());
			}
			else {
				assertThat(link.path("direction").asString()).isEqualTo("accepted");
				assertThat(link.path("farRole").asString()).isEqualTo("consumer");
			}
		}
		assertThat(farProducers).containsExactlyInAnyOrder(b.cluster().nodeId(), c.cluster().nodeId());
		assertThat(cluster.path("totals").path("publishesForwarded").asLong()).isOne();
		JsonNode wampOnA = this.nodes.get(a, "/actuator/pubsubclub").body().path("wamp");
		assertThat(wampOnA.path("sessions").asInt()).isOne();
		assertThat(wampOnA.path("topicCount").asInt()).isZero();
		JsonNode wampOnB = this.nodes.get(b, "/actuator/pubsubclub").body().path("wamp");
		assertThat(wampOnB.path("topics").path(TOPIC).asInt()).isOne();

		Response health = this.nodes.get(a, "/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		JsonNode pubsubclub = health.body().path("components").path("pubsubclub");
		assertThat(pubsubclub.path("status").asString()).isEqualTo("UP");
		assertThat(pubsubclub.path("details").path("ready").asInt()).isEqualTo(4);
		assertThat(pubsubclub.path("details").path("notReady").asInt()).isZero();

		assertThat(metric(a, "pubsubclub.publishes", "type:local")).isOne();
		assertThat(metric(a, "pubsubclub.publishes", "type:forwarded")).isOne();
		assertThat(metric(a, "pubsubclub.cluster.events", "direction:out")).isOne();
		assertThat(metric(b, "pubsubclub.publishes", "type:received")).isOne();
		assertThat(metric(b, "pubsubclub.deliveries", null)).isOne();
		assertThat(metric(c, "pubsubclub.publishes", "type:received")).isZero();
		assertThat(metric(a, "pubsubclub.cluster.handshakes", null)).isEqualTo(4);
		assertThat(metric(a, "pubsubclub.cluster.latency", "type:forward")).isOne();
		assertThat(metric(b, "pubsubclub.cluster.latency", "type:deliver")).isOne();
		await().atMost(WAIT).until(() -> metric(a, "pubsubclub.cluster.links", "status:ready") == 4);
		assertThat(metric(a, "pubsubclub.cluster.links", "direction:dialled")).isEqualTo(2);
		assertThat(metric(a, "pubsubclub.wamp.sessions", null)).isOne();
		assertThat(metric(a, "pubsubclub.wamp.messages", "type:publish")).isOne();
		assertThat(metric(a, "pubsubclub.drops", null)).isZero();
		MeterRegistry registry = b.context().getBean(MeterRegistry.class);
		assertThat(registry.get("pubsubclub.wamp.topics").gauge().value()).isOne();
		assertThat(registry.get("pubsubclub.cluster.latency").tag("type", "deliver").timer().count()).isOne();
	}

	@Test
	void aPeerDownShowsInHealthEndpointAndMetersUntilItIsBack() throws Exception {
		Node a = this.nodes.start("spring.web.error.include-message=always",
				"management.endpoint.pubsubclub.access=unrestricted", "pubsubclub.link.forced-reconnect-interval=0s");
		// a port the kernel does not hand out: nothing takes it while b is down
		int bPort = StablePort.pick();
		Node b = this.nodes.start("pubsubclub.server.port=" + bPort);
		ActuateTestNodes.mesh(a, b);
		await().atMost(WAIT).until(() -> readyLinks(a) == 2 && readyLinks(b) == 2);
		String bAddress = b.clusterAddress().toString();
		double reconnectsBefore = metric(a, "pubsubclub.cluster.reconnects", null);

		b.stop();

		await().atMost(WAIT).untilAsserted(() -> {
			Response health = this.nodes.get(a, "/actuator/health");
			// a node whose links are down still serves its local clients: not a 503
			assertThat(health.status()).isEqualTo(200);
			assertThat(health.body().path("status").asString()).isEqualTo("DEGRADED");
			JsonNode pubsubclub = health.body().path("components").path("pubsubclub");
			assertThat(pubsubclub.path("status").asString()).isEqualTo("DEGRADED");
			assertThat(pubsubclub.path("details").path("ready").asInt()).isZero();
			JsonNode link = pubsubclub.path("details").path("links").get(0);
			assertThat(link.path("address").asString()).isEqualTo(bAddress);
			assertThat(link.path("direction").asString()).isEqualTo("dialled");
			assertThat(link.path("lastError").asString()).isNotEmpty();
		});
		await().atMost(WAIT).untilAsserted(() -> {
			JsonNode link = dialledLinkTo(a, bAddress);
			assertThat(link.path("state").asString()).isEqualTo("backing-off");
			assertThat(link.path("nextAttempt").asString()).isNotEmpty();
			assertThat(link.path("lastError").asString()).isNotEmpty();
			assertThat(link.path("reconnectAttempts").asLong()).isGreaterThan(2);
		});
		await().atMost(WAIT).until(() -> metric(a, "pubsubclub.cluster.reconnects", null) > reconnectsBefore + 1);
		await().atMost(WAIT).until(() -> metric(a, "pubsubclub.cluster.links", "status:ready") == 0);

		Response all = this.nodes.post(a, "/actuator/pubsubclub");
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.body().path("reconnecting").get(0).asString()).isEqualTo(bAddress);
		Response one = this.nodes.post(a, "/actuator/pubsubclub/" + bAddress);
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.body().path("reconnecting").get(0).asString()).isEqualTo(bAddress);
		Response unknown = this.nodes.post(a, "/actuator/pubsubclub/127.0.0.1:1");
		assertThat(unknown.status()).isEqualTo(400);
		assertThat(unknown.body().path("message").asString()).as(unknown.body().toString()).contains("Not a server this node dials: 127.0.0.1:1");
		Response malformed = this.nodes.post(a, "/actuator/pubsubclub/not-an-address");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.body().path("message").asString()).contains("not-an-address");

		Node back = this.nodes.start("pubsubclub.server.port=" + bPort);
		Objects.requireNonNull(back.cluster().peers()).add(a.clusterAddress());
		await().atMost(WAIT).untilAsserted(() -> {
			Response health = this.nodes.get(a, "/actuator/health");
			assertThat(health.body().path("status").asString()).isEqualTo("UP");
			assertThat(health.body().path("components").path("pubsubclub").path("details").path("ready").asInt())
				.isEqualTo(2);
		});
	}

	@Test
	void writeOperationsReallyRedialTheDialledLinks() throws Exception {
		// stated, so that a read-only default for the endpoint does not turn this off; two
		// redials of one server in a row, so no rate limit on them
		String writable = "management.endpoint.pubsubclub.access=unrestricted";
		Node a = this.nodes.start(writable, "pubsubclub.link.forced-reconnect-interval=0s",
				"spring.web.error.include-message=always");
		Node b = this.nodes.start(writable);
		ActuateTestNodes.mesh(a, b);
		await().atMost(WAIT).until(() -> readyLinks(a) == 2 && readyLinks(b) == 2);
		String bAddress = b.clusterAddress().toString();
		Instant first = connectedSince(a, bAddress);

		Response all = this.nodes.post(a, "/actuator/pubsubclub");
		assertThat(all.status()).isEqualTo(200);
		assertThat(all.body().path("reconnecting").get(0).asString()).isEqualTo(bAddress);
		await().atMost(WAIT).until(() -> isReadyAgainAfter(a, bAddress, first));
		Instant second = connectedSince(a, bAddress);

		Response one = this.nodes.post(a, "/actuator/pubsubclub/" + bAddress);
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.body().path("reconnecting").get(0).asString()).isEqualTo(bAddress);
		await().atMost(WAIT).until(() -> isReadyAgainAfter(a, bAddress, second));
	}

	private Instant connectedSince(Node node, String address) throws Exception {
		return Instant.parse(dialledLinkTo(node, address).path("connectedSince").asString());
	}

	private boolean isReadyAgainAfter(Node node, String address, Instant before) throws Exception {
		JsonNode link = dialledLinkTo(node, address);
		return link.path("state").asString().equals("ready") && link.has("connectedSince")
				&& Instant.parse(link.path("connectedSince").asString()).isAfter(before);
	}

	@Test
	void degradedDoesNotHideAnotherComponentThatIsDown() throws Exception {
		try (ClosedPort dead = new ClosedPort()) {
			Node node = this.nodes.start("pubsubclub.peers=" + dead.address());
			await().atMost(WAIT)
				.until(() -> this.nodes.get(node, "/actuator/health").body().path("status").asString().equals("DEGRADED"));
			Node broken = this.nodes.start("pubsubclub.peers=" + dead.address(), "test.broken=true");
			await().atMost(WAIT).untilAsserted(() -> {
				Response health = this.nodes.get(broken, "/actuator/health");
				assertThat(health.body().path("components").path("pubsubclub").path("status").asString())
					.isEqualTo("DEGRADED");
				assertThat(health.body().path("status").asString()).isEqualTo("DOWN");
				assertThat(health.status()).isEqualTo(503);
			});
		}
	}

	@Test
	void withTheWampServerAloneTheEndpointShowsItAndThereIsNoClusterHealth() throws Exception {
		Node node = this.nodes.start("pubsubclub.producer.enabled=false", "pubsubclub.consumer.enabled=false",
				"management.endpoint.pubsubclub.access=unrestricted");
		WampFrameClient client = this.nodes.wamp(node);
		client.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT)
			.until(() -> this.nodes.get(node, "/actuator/pubsubclub").body().path("wamp").path("topicCount").asInt() == 1);
		JsonNode body = this.nodes.get(node, "/actuator/pubsubclub").body();
		assertThat(body.has("cluster")).isFalse();
		assertThat(body.path("wamp").path("sessions").asInt()).isOne();
		assertThat(body.path("wamp").path("topics").path(TOPIC).asInt()).isOne();
		Response health = this.nodes.get(node, "/actuator/health");
		assertThat(health.body().path("status").asString()).isEqualTo("UP");
		assertThat(health.body().path("components").has("pubsubclub")).isFalse();
		assertThat(this.nodes.post(node, "/actuator/pubsubclub").body().path("reconnecting")).isEmpty();
		assertThat(metric(node, "pubsubclub.wamp.sessions", null)).isOne();
		assertThat(this.nodes.get(node, "/actuator/metrics/pubsubclub.cluster.links").status()).isEqualTo(404);
	}

	private long readyLinks(Node node) throws Exception {
		long ready = 0;
		for (JsonNode link : this.nodes.get(node, "/actuator/pubsubclub").body().path("cluster").path("links")) {
			if (link.path("state").asString().equals("ready")) {
				ready++;
			}
		}
		return ready;
	}

	private List<JsonNode> consumerLinksAsking(Node producer, String topic) throws Exception {
		List<JsonNode> links = new ArrayList<>();
		for (JsonNode link : this.nodes.get(producer, "/actuator/pubsubclub").body().path("cluster").path("links")) {
			if (link.path("farRole").asString().equals("consumer")) {
				for (JsonNode asked : link.path("topics")) {
					if (asked.asString().equals(topic)) {
						links.add(link);
					}
				}
			}
		}
		return links;
	}

	private JsonNode dialledLinkTo(Node from, Node to) throws Exception {
		return dialledLinkTo(from, to.clusterAddress().toString());
	}

	private JsonNode dialledLinkTo(Node from, String address) throws Exception {
		for (JsonNode link : this.nodes.get(from, "/actuator/pubsubclub").body().path("cluster").path("links")) {
			if (link.path("address").asString().equals(address)
					&& link.path("direction").asString().equals("dialled")) {
				return link;
			}
		}
		throw new AssertionError("no dialled link to " + address);
	}

	// the first measurement: COUNT for counters and timers, VALUE for gauges
	private double metric(Node node, String name, String tag) throws Exception {
		Response response = this.nodes.get(node,
				"/actuator/metrics/" + name + ((tag != null) ? "?tag=" + tag : ""));
		assertThat(response.status()).as(name).isEqualTo(200);
		return response.body().path("measurements").get(0).path("value").asDouble();
	}

}
