package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.actuate.PubSubClubHealthIndicator;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes configured with the same node id are two nodes: they link, events flow, and
 * each reports the clash (WARN naming the address and the id, health DEGRADED).
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedNodeIdTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@ParameterizedTest(name = "producer {0}, consumer {1}")
	@CsvSource({ "server, client", "client, server" })
	void nodesSharingAnIdLinkAndReportTheClash(String producerMode, String consumerMode, CapturedOutput output) {
		Node server = this.nodes.start(producerMode.equals("server") ? "pubsubclub.producer.enabled=true"
				: "pubsubclub.consumer.enabled=true", "pubsubclub.producer.mode=" + producerMode,
				"pubsubclub.consumer.mode=" + consumerMode, "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.server.port=0", "pubsubclub.node-id=7");
		Node client = this.nodes.start(producerMode.equals("server") ? "pubsubclub.consumer.enabled=true"
				: "pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=" + producerMode,
				"pubsubclub.consumer.mode=" + consumerMode, "pubsubclub.node-id=7",
				"pubsubclub.peers=" + server.address(), "pubsubclub.link.reconnect-delay=100ms");
		Node producer = producerMode.equals("server") ? server : client;
		Node consumer = (producer == server) ? client : server;
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		producer.subscribers().publish("t", "1");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t 1"));
		assertThat(client.peers().servers()).containsExactly(server.address());
		for (Node node : List.of(server, client)) {
			assertThat(node.cluster().state().totals().selfLinks()).isZero();
			Health health = new PubSubClubHealthIndicator(node.cluster()).health(true);
			assertThat(health.getStatus()).isEqualTo(PubSubClubHealthIndicator.DEGRADED);
			assertThat(health.getDetails()).containsKey("nodeIdConflicts");
			@SuppressWarnings("unchecked")
			List<Map<String, Object>> conflicts = (List<Map<String, Object>>) health.getDetails()
				.get("nodeIdConflicts");
			assertThat(conflicts).singleElement().satisfies((conflict) -> assertThat(conflict).containsEntry("nodeId", 7L));
		}
		assertThat(output).contains("uses this node's id 7").contains(server.address().toString());
	}

}
