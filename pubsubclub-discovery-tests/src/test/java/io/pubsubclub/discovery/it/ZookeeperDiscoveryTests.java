package io.pubsubclub.discovery.it;

import java.time.Duration;
import java.util.Set;

import io.pubsubclub.discovery.DiscoveredPeer;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes register with a real ZooKeeper (Curator's in-process test server) through
 * Spring Cloud ZooKeeper and find each other, with no static peers.
 */
class ZookeeperDiscoveryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private TestingServer zookeeper;

	@BeforeEach
	void startZookeeper() throws Exception {
		this.zookeeper = new TestingServer(true);
	}

	@AfterEach
	void stopZookeeper() throws Exception {
		this.zookeeper.close();
	}

	@Test
	void nodesFindEachOtherAndForgetOneThatLeaves() {
		try (ConfigurableApplicationContext a = node(1, 19201)) {
			try (ConfigurableApplicationContext b = node(2, 19202)) {
				DiscoveredPeer peerA = new DiscoveredPeer("127.0.0.1", 19201, 1L);
				DiscoveredPeer peerB = new DiscoveredPeer("127.0.0.1", 19202, 2L);
				await().atMost(TIMEOUT).until(() -> TestNode.recorder(b).peers().equals(Set.of(peerA)));
				await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().equals(Set.of(peerB)));
				assertThat(a.getBean(DiscoveryClient.class).getInstances("pubsubclub")).hasSize(2)
					.allSatisfy((instance) -> assertThat(instance.getMetadata()).containsKeys("pubsubclub-port",
							"pubsubclub-node-id"));
			}
			await().atMost(TIMEOUT).until(() -> TestNode.recorder(a).peers().isEmpty());
			assertThat(TestNode.recorder(a).calls()).containsExactly("add 127.0.0.1:19202 (node id 2)",
					"remove 127.0.0.1:19202 (node id 2)");
		}
	}

	private ConfigurableApplicationContext node(long nodeId, int clusterPort) {
		return TestNode.start(nodeId, clusterPort, "spring.cloud.consul.enabled=false",
				"spring.cloud.zookeeper.connect-string=" + this.zookeeper.getConnectString(),
				"spring.cloud.zookeeper.discovery.instance-host=127.0.0.1",
				"pubsubclub.discovery.refresh-interval=1h", "pubsubclub.discovery.debounce=200ms");
	}

}
