package io.pubsubclub.discovery.it;

import java.time.Duration;
import java.util.Set;

import io.pubsubclub.discovery.DiscoveredPeer;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes register with Consul through Spring Cloud Consul's own client, over HTTP to
 * a Consul API stand-in, and find each other through its catalog.
 */
class ConsulDiscoveryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private ConsulStandIn consul;

	@BeforeEach
	void startConsul() throws Exception {
		this.consul = new ConsulStandIn();
	}

	@AfterEach
	void stopConsul() {
		this.consul.close();
	}

	@Test
	void nodesFindEachOtherWithTheirClusterPortAndNodeIdAndForgetOneThatDeregisters() {
		try (ConfigurableApplicationContext a = node(1, 19101)) {
			try (ConfigurableApplicationContext b = node(2, 19102)) {
				DiscoveredPeer peerA = new DiscoveredPeer("127.0.0.1", 19101, 1L);
				DiscoveredPeer peerB = new DiscoveredPeer("127.0.0.1", 19102, 2L);
				await().atMost(TIMEOUT).until(() -> TestNode.recorder(b).peers().equals(Set.of(peerA)));
				// a polls only once an hour: Consul's catalog watch heartbeat tells it about b
				await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().equals(Set.of(peerB)));
				assertThat(this.consul.registeredIds()).hasSize(2);
				for (String id : this.consul.registeredIds()) {
					JsonNode meta = this.consul.registration(id).get("Meta");
					assertThat(meta.get("pubsubclub-port").asString()).isIn("19101", "19102");
					assertThat(meta.get("pubsubclub-node-id").asString()).isIn("1", "2");
				}
				// the catalog watch long-polls with the index of its previous answer
				assertThat(this.consul.requests())
					.anyMatch((request) -> request.startsWith("GET /v1/catalog/services?")
							&& request.contains("index=") && request.contains("wait="));
			}
			await().atMost(TIMEOUT).until(() -> this.consul.registeredIds().size() == 1);
			await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().isEmpty());
			assertThat(TestNode.recorder(a).calls()).containsExactly("add 127.0.0.1:19102 (node id 2)",
					"remove 127.0.0.1:19102 (node id 2)");
			assertThat(TestNode.watcher(a).getSkippedInstanceCount()).isZero();
		}
		assertThat(this.consul.registeredIds()).isEmpty();
	}

	@Test
	void keepsPeersWhileConsulCannotAnswerAndFollowsChangesOnceItCanAgain() {
		try (ConfigurableApplicationContext a = node(1, 19101, "pubsubclub.discovery.refresh-interval=200ms");
				ConfigurableApplicationContext b = node(2, 19102)) {
			DiscoveryPeerWatcher watcher = TestNode.watcher(a);
			await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().size() == 1);
			this.consul.down(true);
			long failures = watcher.getFailureCount();
			await().atMost(TIMEOUT).until(() -> watcher.getFailureCount() >= failures + 3);
			assertThat(TestNode.recorder(a).peers()).hasSize(1);
			assertThat(watcher.getPeers()).hasSize(1);
			b.close();
			this.consul.down(false);
			await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().isEmpty());
		}
	}

	private ConfigurableApplicationContext node(long nodeId, int clusterPort, String... extra) {
		String[] properties = { "spring.cloud.zookeeper.enabled=false", "spring.cloud.consul.host=127.0.0.1",
				"spring.cloud.consul.port=" + this.consul.port(),
				"spring.cloud.consul.discovery.instance-id=pubsubclub-" + nodeId + "-${random.uuid}",
				"spring.cloud.consul.discovery.hostname=127.0.0.1",
				"spring.cloud.consul.discovery.register-health-check=false",
				"pubsubclub.discovery.refresh-interval=1h", "pubsubclub.discovery.debounce=200ms" };
		String[] all = new String[properties.length + extra.length];
		System.arraycopy(properties, 0, all, 0, properties.length);
		System.arraycopy(extra, 0, all, properties.length, extra.length);
		return TestNode.start(nodeId, clusterPort, all);
	}

}
