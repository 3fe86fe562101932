package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.actuate.PubSubClubHealthIndicator;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One server reached under two addresses gets one link: every event arrives once.
 */
@ExtendWith(OutputCaptureExtension.class)
class DuplicateLinkTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@ParameterizedTest(name = "producer {0}, consumer {1}")
	@CsvSource({ "server, client", "client, server" })
	void serverReachedUnderTwoAddressesDeliversEachEventOnce(String producerMode, String consumerMode,
			CapturedOutput output) {
		boolean producerServes = producerMode.equals("server");
		Node server = this.nodes.start(producerServes ? "pubsubclub.producer.enabled=true"
				: "pubsubclub.consumer.enabled=true", "pubsubclub.producer.mode=" + producerMode,
				"pubsubclub.consumer.mode=" + consumerMode, "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.server.port=0");
		int port = server.address().port();
		Node client = this.nodes.start(producerServes ? "pubsubclub.consumer.enabled=true"
				: "pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=" + producerMode,
				"pubsubclub.consumer.mode=" + consumerMode, "pubsubclub.link.reconnect-delay=100ms",
				"pubsubclub.peers=127.0.0.1:" + port + ",localhost:" + port);
		Node producer = producerServes ? server : client;
		Node consumer = producerServes ? client : server;
		consumer.subscribers().subscribe("t");
		consumer.subscribers().subscribe("marker");
		// both addresses dialled and settled: each link ready and synced, or given up as a
		// duplicate
		await().atMost(WAIT).until(() -> settled(client, 2) && producer.forwards("marker"));
		await().atMost(WAIT)
			.until(() -> syncedConsumerLinks(producer) == client.readyLinks() && syncedConsumerLinks(producer) > 0);
		for (int i = 1; i <= 5; i++) {
			producer.subscribers().publish("t", String.valueOf(i));
		}
		producer.subscribers().publish("marker", "\"m\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("marker \"m\""));
		assertThat(consumer.subscribers().delivered()).containsExactly("t 1", "t 2", "t 3", "t 4", "t 5",
				"marker \"m\"");
		assertThat(client.readyLinks()).isOne();
		assertThat(output).contains("duplicate").contains(":" + port);
		assertThat(new PubSubClubHealthIndicator(client.cluster()).health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void theOtherAddressTakesOverWhenTheLinkInUseIsRemoved() {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.server.port=0");
		int port = producer.address().port();
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.link.reconnect-delay=100ms",
				"pubsubclub.peers=127.0.0.1:" + port + ",localhost:" + port);
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> settled(consumer, 2) && producer.forwards("t"));
		String inUse = consumer.links()
			.stream()
			.filter((link) -> link.status() == ClusterState.Status.READY)
			.map(ClusterState.Link::address)
			.findFirst()
			.orElseThrow();
		consumer.peers().remove(PeerAddress.parse(inUse));
		await().atMost(WAIT)
			.until(() -> consumer.readyLinks() == 1 && !consumer.links().get(0).address().equals(inUse)
					&& producer.forwards("t"));
		producer.subscribers().publish("t", "\"after\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t \"after\""));
		assertThat(consumer.subscribers().delivered()).containsExactly("t \"after\"");
	}

	private static boolean settled(Node node, int servers) {
		List<ClusterState.Link> links = node.links();
		return links.size() == servers && links.stream()
			.allMatch((link) -> link.status() == ClusterState.Status.READY
					|| link.status().name().equals("DUPLICATE"));
	}

	private static long syncedConsumerLinks(Node producer) {
		return producer.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER && link.status() == ClusterState.Status.READY
					&& link.topics().contains("marker"))
			.count();
	}

}
