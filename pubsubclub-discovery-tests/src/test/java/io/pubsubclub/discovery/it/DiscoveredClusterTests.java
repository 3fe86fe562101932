package io.pubsubclub.discovery.it;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Whole nodes with no static peers: discovery alone makes them open cluster links to each
 * other, a publish on one reaches a subscriber on the other, and a node that leaves the
 * registry has its links closed and is no longer dialled.
 */
class DiscoveredClusterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@Test
	void consulNodesLinkUpThroughDiscoveryAndDropANodeThatDeregisters() throws Exception {
		try (ConsulStandIn consul = new ConsulStandIn()) {
			String[] properties = { "spring.cloud.zookeeper.enabled=false", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + consul.port(),
					"spring.cloud.consul.discovery.instance-id=pubsubclub-${random.uuid}",
					"spring.cloud.consul.discovery.hostname=127.0.0.1",
					"spring.cloud.consul.discovery.register-health-check=false",
					"pubsubclub.discovery.refresh-interval=1h", "pubsubclub.discovery.debounce=200ms" };
			linkUpAndDrop(properties);
		}
	}

	@Test
	void consulNodeDeregistersWhileItsClusterServerStillAcceptsConnections() throws Exception {
		try (ConsulStandIn consul = new ConsulStandIn()) {
			String[] properties = { "spring.cloud.zookeeper.enabled=false", "spring.cloud.consul.host=127.0.0.1",
					"spring.cloud.consul.port=" + consul.port(),
					"spring.cloud.consul.discovery.instance-id=pubsubclub-${random.uuid}",
					"spring.cloud.consul.discovery.hostname=127.0.0.1",
					"spring.cloud.consul.discovery.register-health-check=false",
					"pubsubclub.discovery.refresh-interval=1h", "pubsubclub.discovery.debounce=200ms" };
			Map<String, Boolean> clusterPortOpen = new ConcurrentHashMap<>();
			String id;
			try (ConfigurableApplicationContext node = ClusterNodeApp.start(1, properties)) {
				int clusterPort = ClusterNodeApp.node(node).serverPort();
				await().atMost(TIMEOUT).until(() -> consul.registeredIds().size() == 1);
				id = consul.registeredIds().get(0);
				consul.onDeregister((deregistered) -> clusterPortOpen.put(deregistered, accepts(clusterPort)));
			}
			assertThat(clusterPortOpen).containsExactly(Map.entry(id, true));
			assertThat(consul.registeredIds()).isEmpty();
			assertThat(consul.requests()).filteredOn((request) -> request.startsWith("PUT /v1/agent/service/deregister/"))
				.containsExactly("PUT /v1/agent/service/deregister/" + id);
		}
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Test
	void zookeeperNodesLinkUpThroughDiscoveryAndDropANodeThatLeaves() throws Exception {
		try (TestingServer zookeeper = new TestingServer(true)) {
			String[] properties = { "spring.cloud.consul.enabled=false",
					"spring.cloud.zookeeper.connect-string=" + zookeeper.getConnectString(),
					"spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
					"pubsubclub.discovery.refresh-interval=1h", "pubsubclub.discovery.debounce=200ms" };
			linkUpAndDrop(properties);
		}
	}

	private void linkUpAndDrop(String[] properties) throws Exception {
		try (ConfigurableApplicationContext a = ClusterNodeApp.start(1, properties)) {
			PeerAddress addressB;
			try (ConfigurableApplicationContext b = ClusterNodeApp.start(2, properties)) {
				PeerAddress addressA = ClusterNodeApp.clusterAddress(a);
				addressB = ClusterNodeApp.clusterAddress(b);
				await().atMost(TIMEOUT).until(() -> ClusterNodeApp.linkedBothWays(a, b)
						&& ClusterNodeApp.linkedBothWays(b, a));
				assertThat(ClusterNodeApp.node(a).peers().servers()).containsExactly(addressB);
				assertThat(ClusterNodeApp.node(b).peers().servers()).containsExactly(addressA);
				assertThat(a.getBean(DiscoveryPeerWatcher.class).getPeers()).extracting((peer) -> peer.nodeId())
					.containsExactly(2L);
				publishOnOneNodeReachesTheOther(a, b);
			}
			await().atMost(TIMEOUT)
				.until(() -> ClusterNodeApp.node(a).peers().servers().isEmpty()
						&& ClusterNodeApp.dialled(a, addressB).isEmpty());
			assertThat(ClusterNodeApp.node(a).state().links()).isEmpty();
			assertThat(a.getBean(DiscoveryPeerWatcher.class).getPeers()).isEmpty();
			assertThat(a.getBean(DiscoveryPeerWatcher.class).getFailureCount()).isZero();
		}
	}

	private void publishOnOneNodeReachesTheOther(ConfigurableApplicationContext a, ConfigurableApplicationContext b)
			throws Exception {
		try (WampClient subscriber = new WampClient(ClusterNodeApp.httpPort(b));
				WampClient publisher = new WampClient(ClusterNodeApp.httpPort(a))) {
			String topic = "http://example.com/discovered";
			subscriber.send(5, topic);
			// the subscription reaches a's producer asynchronously: publish until one arrives
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
				publisher.send(7, topic, "hello");
				JsonNode event = subscriber.next(0);
				return event != null && event.get(0).intValue() == 8 && topic.equals(event.get(1).asString())
						&& "hello".equals(event.get(2).asString());
			});
			assertThat(ClusterNodeApp.node(a).state().totals().publishesForwarded()).isPositive();
		}
	}

}
