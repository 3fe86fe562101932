package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.wamp.WampCraTestSupport.authenticate;
import static io.pubsubclub.wamp.WampCraTestSupport.barrier;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP-CRA permissions across a two-node cluster: events published on node A reach a
 * session authenticated on node B only on topics its permissions let it subscribe to.
 */
class WampCraClusterIntegrationTests {

	private static final String ROOM = "http://example.com/chat#room1";

	private static final String SECRET_TOPIC = "http://example.com/secret";

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final List<WampTestClient> clients = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (WampTestClient client : this.clients) {
			client.close();
		}
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void eventsFromTheClusterReachAnAuthenticatedSessionOnlyOnTopicsItMaySubscribeTo() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		peer(a, b);
		peer(b, a);
		WampTestClient publisher = connect(a);
		WampTestClient joe = connect(b);
		WampTestClient anonymousOnB = connect(b);
		// joe subscribed to the secret topic before authenticating (allowed then: the
		// global rules), and tries again after
		joe.send(5, SECRET_TOPIC);
		barrier(joe);
		await().atMost(WampTestClient.timeout()).until(() -> consumersAsking(a, SECRET_TOPIC) == 1);
		authenticate(joe, "joe", "joe-secret");
		joe.send(5, SECRET_TOPIC);
		joe.send(5, ROOM);
		barrier(joe);
		// joe's old subscription was dropped when it authenticated: B no longer asks for it
		await().atMost(WampTestClient.timeout()).until(() -> consumersAsking(a, SECRET_TOPIC) == 0);
		// an anonymous session on B keeps the node asking for the secret topic
		anonymousOnB.send(5, SECRET_TOPIC);
		anonymousOnB.send(5, ROOM);
		barrier(anonymousOnB);
		await().atMost(WampTestClient.timeout())
			.until(() -> consumersAsking(a, ROOM) == 1 && consumersAsking(a, SECRET_TOPIC) == 1);
		publisher.send(7, SECRET_TOPIC, "secret");
		publisher.send(7, ROOM, "marker");
		assertThat(anonymousOnB.eventsUntil("marker")).hasSize(1);
		assertThat(joe.eventsUntil("marker")).isEmpty();
		assertThat(b.getBean(WampServer.class).getTopicSubscriberCounts()).containsEntry(SECRET_TOPIC, 1)
			.containsEntry(ROOM, 2);
	}

	private ConfigurableApplicationContext start() {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "pubsubclub.producer.enabled=true",
				"pubsubclub.consumer.enabled=true", "pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0",
				"logging.level.root=warn", "logging.level.io.pubsubclub=info"));
		properties.addAll(List.of(WampAuthTestApplication.USERS));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WampAuthTestApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties.toArray(String[]::new))
			.run();
		this.nodes.add(context);
		return context;
	}

	private static void peer(ConfigurableApplicationContext node, ConfigurableApplicationContext other) {
		node.getBean(ClusterNode.class)
			.peers()
			.add(new PeerAddress("127.0.0.1", other.getBean(ClusterNode.class).serverPort()));
	}

	private WampTestClient connect(ConfigurableApplicationContext node) throws Exception {
		WampTestClient client = WampTestClient
			.connect(((WebServerApplicationContext) node).getWebServer().getPort());
		this.clients.add(client);
		return client;
	}

	private static long consumersAsking(ConfigurableApplicationContext producer, String topic) {
		return producer.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(topic))
			.count();
	}

}
