package io.pubsubclub.wamp;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.WampClusterNodes;
import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.cluster.WampClusterNodes.consumersAsking;
import static io.pubsubclub.cluster.WampClusterNodes.link;
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

	private final WampClusterNodes nodes = new WampClusterNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void eventsFromTheClusterReachAnAuthenticatedSessionOnlyOnTopicsItMaySubscribeTo() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		link(a, b);
		link(b, a);
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
		return this.nodes.start(WampAuthTestApplication.class, Map.of(), WampAuthTestApplication.USERS);
	}

	private WampTestClient connect(ConfigurableApplicationContext node) throws Exception {
		return this.nodes.closeLater(WampTestClient.connect(WampClusterNodes.port(node)));
	}

}
