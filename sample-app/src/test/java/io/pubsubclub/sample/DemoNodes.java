package io.pubsubclub.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.PeerAddress;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Nodes of the sample app for the browser tests, started in the test's JVM on loopback and
 * free ports, as {@code demo.sh} runs them (producer and consumer on, any origin).
 *
 * @author PubSubClub
 */
final class DemoNodes {

	private DemoNodes() {
	}

	/**
	 * Two nodes, each dialling the other's cluster port as in demo.sh: each port is bound
	 * first (port 0) and read back, and A is told B's once B has one.
	 * @param nodeAArgs extra arguments for node A (its node id, say)
	 * @return node A and node B
	 */
	static ConfigurableApplicationContext[] startClusteredPair(String... nodeAArgs) {
		List<String> argsA = new ArrayList<>(List.of(nodeAArgs));
		argsA.add("--pubsubclub.server.port=0");
		ConfigurableApplicationContext nodeA = startNode(true, argsA.toArray(String[]::new));
		ConfigurableApplicationContext nodeB = startNode(true, "--pubsubclub.server.port=0",
				"--pubsubclub.peers=127.0.0.1:" + nodeA.getBean(ClusterNode.class).serverPort());
		Objects.requireNonNull(nodeA.getBean(ClusterNode.class).peers())
			.add(new PeerAddress("127.0.0.1", Objects.requireNonNull(nodeB.getBean(ClusterNode.class).serverPort())));
		return new ConfigurableApplicationContext[] { nodeA, nodeB };
	}

	/**
	 * One node; {@code endpoint} exposes {@code /actuator/pubsubclub} (CORS open to any page).
	 */
	static ConfigurableApplicationContext startNode(boolean endpoint, String... extraArgs) {
		List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=0",
				"--pubsubclub.producer.enabled=true", "--pubsubclub.consumer.enabled=true",
				"--pubsubclub.server.address=127.0.0.1", "--pubsubclub.wamp.allowed-origins=*",
				"--management.endpoints.web.exposure.include=" + (endpoint ? "health,pubsubclub" : "health"),
				"--management.endpoints.web.cors.allowed-origins=*", "--management.endpoints.web.cors.allowed-methods=GET"));
		args.addAll(List.of(extraArgs));
		return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
	}

	/** The node's HTTP host:port, the label the demo page shows for it. */
	static String label(ConfigurableApplicationContext node) {
		return "127.0.0.1:" + node.getEnvironment().getProperty("local.server.port");
	}

	/** Closes the nodes that were started (nulls skipped). */
	static void close(ConfigurableApplicationContext... nodes) {
		for (ConfigurableApplicationContext node : nodes) {
			if (node != null) {
				node.close();
			}
		}
	}

}
