package io.pubsubclub.discovery.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's default jar, as the reactor packages it and the README runs it
 * ({@code java -jar sample-app-*.jar --spring.profiles.active=consul}), with the Consul
 * agent played by {@link ConsulStandIn}: two nodes register, find each other, link both
 * ways, carry a publish across, and a node stopped with SIGTERM leaves the registry and
 * the other node's links. A failsafe test: it needs the jar that the package phase of
 * {@code sample-app} builds.
 */
class SampleAppConsulIT {

	/**
	 * Two JVMs start the whole sample app on a machine that may be busy.
	 */
	private static final Duration TIMEOUT = Duration.ofSeconds(180);

	private static final Path LOGS = Path.of("target", "sample-app-consul");

	@Test
	void twoNodesFromTheDefaultJarWithTheConsulProfileFindEachOtherThroughConsulAndLink() throws Exception {
		try (ConsulStandIn consul = new ConsulStandIn();
				SampleAppProcess one = node(1, consul);
				SampleAppProcess two = node(2, consul)) {
			// each node registers its HTTP port, with its cluster port and node id in the metadata
			Map<Long, Registered> nodes = new TreeMap<>();
			awaitNodes("both nodes registered in Consul", one, two, () -> {
				nodes.clear();
				nodes.putAll(registered(consul));
				return nodes.size() == 2;
			});
			Registered first = nodes.get(1L);
			Registered second = nodes.get(2L);
			assertThat(first).as("node 1's registration").isNotNull();
			assertThat(second).as("node 2's registration").isNotNull();

			awaitNodes("both nodes linked both ways", one, two,
					() -> linkedBothWays(one, first, second) && linkedBothWays(two, second, first));
			publishOnOneReachesTheOther(one, two, first, second);

			// SIGTERM: the node leaves the registry before its process ends...
			two.stop();
			assertThat(registered(consul)).containsOnlyKeys(1L);
			// ...and, after the consul profile's debounce, the other node drops every link to it
			awaitNodes("node 1 without links once node 2 left", one, one,
					() -> links(one, first).map(JsonNode::isEmpty).orElse(false));
		}
	}

	private static SampleAppProcess node(long nodeId, ConsulStandIn consul) throws Exception {
		return SampleAppProcess.start(LOGS.resolve("node-" + nodeId + ".log"), "--spring.profiles.active=consul",
				"--spring.cloud.consul.host=127.0.0.1", "--spring.cloud.consul.port=" + consul.port(),
				"--server.address=127.0.0.1", "--server.port=0", "--pubsubclub.server.address=127.0.0.1",
				"--pubsubclub.node-id=" + nodeId);
	}

	/**
	 * Wait for a condition, failing at once, with the nodes' logs, if a node has exited.
	 */
	private static void awaitNodes(String what, SampleAppProcess one, SampleAppProcess two, Callable<Boolean> until) {
		try {
			await(what).atMost(TIMEOUT)
				.pollInterval(Duration.ofMillis(500))
				.failFast(what + ": a node exited", () -> !one.isAlive() || !two.isAlive())
				.until(until);
		}
		catch (ConditionTimeoutException | AssertionError ex) {
			throw new AssertionError(ex.getMessage() + "\n--- " + one.log() + ":\n" + one.logTail() + "\n--- "
					+ two.log() + ":\n" + two.logTail(), ex);
		}
	}

	private record Registered(long nodeId, int httpPort, int clusterPort) {

		String clusterAddress() {
			return "127.0.0.1:" + this.clusterPort;
		}

	}

	/**
	 * The nodes registered in Consul, by node id.
	 */
	private static Map<Long, Registered> registered(ConsulStandIn consul) {
		Map<Long, Registered> nodes = new TreeMap<>();
		for (String id : consul.registeredIds()) {
			JsonNode registration = consul.registration(id);
			JsonNode meta = (registration != null) ? registration.get("Meta") : null;
			if (meta == null || !meta.has("pubsubclub-node-id") || !meta.has("pubsubclub-port")) {
				continue;
			}
			long nodeId = Long.parseLong(meta.get("pubsubclub-node-id").asString());
			nodes.put(nodeId, new Registered(nodeId, registration.get("Port").intValue(),
					Integer.parseInt(meta.get("pubsubclub-port").asString())));
		}
		return nodes;
	}

	private static Optional<JsonNode> links(SampleAppProcess node, Registered self) {
		JsonNode endpoint = node.pubsubclubEndpoint(self.httpPort());
		return Optional.ofNullable(endpoint).map((body) -> body.path("cluster").path("links"));
	}

	/**
	 * Whether this node's consumer has a ready link to the other node's cluster server
	 * (whose producer announced the other node's id), and a consumer has a ready link
	 * into this node's producer.
	 */
	private static boolean linkedBothWays(SampleAppProcess node, Registered self, Registered other) {
		JsonNode links = links(node, self).orElse(null);
		if (links == null) {
			return false;
		}
		boolean dialled = false;
		boolean accepted = false;
		for (JsonNode link : links) {
			boolean ready = "ready".equals(link.path("state").asString());
			if (ready && "dialled".equals(link.path("direction").asString())
					&& other.clusterAddress().equals(link.path("address").asString())
					&& "producer".equals(link.path("farRole").asString())
					&& link.path("farNodeId").asLong() == other.nodeId()) {
				dialled = true;
			}
			if (ready && "accepted".equals(link.path("direction").asString())
					&& "consumer".equals(link.path("farRole").asString())) {
				accepted = true;
			}
		}
		return dialled && accepted;
	}

	private static void publishOnOneReachesTheOther(SampleAppProcess one, SampleAppProcess two, Registered first,
			Registered second) throws Exception {
		try (WampClient subscriber = new WampClient(second.httpPort());
				WampClient publisher = new WampClient(first.httpPort())) {
			String topic = "http://example.com/sample-consul";
			subscriber.send(5, topic);
			// the subscription reaches node 1's producer asynchronously: publish until one arrives
			awaitNodes("a publish on node 1 reaching a subscriber on node 2", one, two, () -> {
				publisher.send(7, topic, "hello");
				JsonNode event = subscriber.next(0);
				return event != null && event.get(0).intValue() == 8 && topic.equals(event.get(1).asString())
						&& "hello".equals(event.get(2).asString());
			});
		}
	}

}
