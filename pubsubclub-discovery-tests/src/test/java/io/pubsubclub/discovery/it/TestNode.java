package io.pubsubclub.discovery.it;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.pubsubclub.discovery.DiscoveredPeer;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.discovery.LocalNode;
import io.pubsubclub.discovery.PeerRegistrar;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A node of the cluster as discovery sees it: a Boot web application with the starter,
 * whose cluster side is a registrar that records the peers it is handed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class TestNode {

	@Bean
	Recorder peerRegistrar() {
		return new Recorder();
	}

	@Bean
	LocalNode localNode(@Value("${test.node-id}") long nodeId, @Value("${test.cluster-port}") int clusterPort) {
		return new LocalNode() {

			@Override
			public long nodeId() {
				return nodeId;
			}

			@Override
			public @Nullable Integer clusterPort() {
				return clusterPort;
			}

		};
	}

	static ConfigurableApplicationContext start(long nodeId, int clusterPort, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.application.name=pubsubclub", "test.node-id=" + nodeId, "test.cluster-port=" + clusterPort,
				"spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(TestNode.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static Recorder recorder(ConfigurableApplicationContext context) {
		return context.getBean(Recorder.class);
	}

	static DiscoveryPeerWatcher watcher(ConfigurableApplicationContext context) {
		return context.getBean(DiscoveryPeerWatcher.class);
	}

	static class Recorder implements PeerRegistrar {

		private final List<String> calls = new ArrayList<>();

		private final Set<DiscoveredPeer> peers = new LinkedHashSet<>();

		@Override
		public synchronized void add(DiscoveredPeer peer) {
			this.calls.add("add " + peer);
			this.peers.add(peer);
		}

		@Override
		public synchronized void remove(DiscoveredPeer peer) {
			this.calls.add("remove " + peer);
			this.peers.remove(peer);
		}

		synchronized List<String> calls() {
			return new ArrayList<>(this.calls);
		}

		synchronized Set<DiscoveredPeer> peers() {
			return new LinkedHashSet<>(this.peers);
		}

	}

}
