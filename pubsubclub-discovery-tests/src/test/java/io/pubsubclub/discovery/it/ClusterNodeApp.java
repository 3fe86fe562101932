package io.pubsubclub.discovery.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A full PubSubClub node (WAMP server, both roles in their default modes: producer
 * serving, consumer dialling) with no static peers: every cluster server it dials comes
 * from discovery.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ClusterNodeApp {

	static ConfigurableApplicationContext start(long nodeId, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.application.name=pubsubclub", "spring.main.banner-mode=off", "pubsubclub.node-id=" + nodeId,
				"pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true", "pubsubclub.server.port=0",
				"pubsubclub.server.address=127.0.0.1", "pubsubclub.link.ping-interval=1s",
				"pubsubclub.link.reconnect-delay=200ms", "pubsubclub.link.max-reconnect-delay=1s"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(ClusterNodeApp.class).web(WebApplicationType.SERVLET)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static ClusterNode node(ConfigurableApplicationContext context) {
		return context.getBean(ClusterNode.class);
	}

	static PeerAddress clusterAddress(ConfigurableApplicationContext context) {
		return new PeerAddress("127.0.0.1", node(context).serverPort());
	}

	static int httpPort(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * The link this node dialled to a server, if any.
	 */
	static Optional<ClusterState.Link> dialled(ConfigurableApplicationContext context, PeerAddress server) {
		return node(context).state()
			.links()
			.stream()
			.filter((link) -> link.direction() == ClusterState.Direction.DIALLED)
			.filter((link) -> link.address().equals(server.toString()))
			.findFirst();
	}

	/**
	 * Whether this node has a ready link in each direction with another node: the one its
	 * consumer dialled to the other's cluster server (whose producer announced its node
	 * id), and one a consumer dialled into this node's producer (a consumer sends no node
	 * id, so that link is known by its far role only).
	 */
	static boolean linkedBothWays(ConfigurableApplicationContext context, ConfigurableApplicationContext other) {
		List<ClusterState.Link> links = node(context).state().links();
		String otherServer = clusterAddress(other).toString();
		long otherId = node(other).nodeId();
		return links.stream()
			.anyMatch((link) -> link.direction() == ClusterState.Direction.DIALLED
					&& link.status() == ClusterState.Status.READY && link.address().equals(otherServer)
					&& link.farRole() == ClusterState.Role.PRODUCER && Long.valueOf(otherId).equals(link.farNodeId()))
				&& links.stream()
					.anyMatch((link) -> link.direction() == ClusterState.Direction.ACCEPTED
							&& link.status() == ClusterState.Status.READY
							&& link.farRole() == ClusterState.Role.CONSUMER);
	}

}
