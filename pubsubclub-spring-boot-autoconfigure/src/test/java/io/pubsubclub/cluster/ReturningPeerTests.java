package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A restarted peer is dialled again at once when it is heard from, not after the
 * dialler's back-off. The back-off here is a minute, far beyond the waits: only the
 * sighting (the restarted peer's own link dialling in, with its {@code PubSubClub-Node}
 * header) can bring the link back within them.
 */
class ReturningPeerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@ParameterizedTest(name = "producers {0}, consumers {1}")
	@CsvSource({ "server, client", "client, server" })
	void restartedPeerIsServedBothWaysAsSoonAsItIsBack(String producerMode, String consumerMode) {
		Node a = start(producerMode, consumerMode, 0);
		// a port the kernel does not hand out: nothing takes it while b is down
		int bPort = StablePort.pick();
		Node b = start(producerMode, consumerMode, bPort);
		a.peers().add(b.address());
		b.peers().add(a.address());
		a.subscribers().subscribe("toA");
		await().atMost(WAIT).until(() -> b.forwards("toA") && a.readyLinks() == 2);
		b.stop();
		// a's dialler toward b has lost its link and waits out a back-off of a minute
		await().atMost(WAIT).until(() -> a.links()
			.stream()
			.anyMatch((link) -> link.direction() == ClusterState.Direction.DIALLED
					&& link.status() == ClusterState.Status.BACKING_OFF));
		long restart = System.nanoTime();
		Node restarted = start(producerMode, consumerMode, bPort);
		restarted.peers().add(a.address());
		restarted.subscribers().subscribe("toB");
		await().atMost(WAIT).until(() -> restarted.forwards("toA") && a.forwards("toB"));
		a.subscribers().publish("toB", "\"from a\"");
		restarted.subscribers().publish("toA", "\"from b\"");
		await().atMost(WAIT).until(() -> restarted.subscribers().delivered().contains("toB \"from a\"")
				&& a.subscribers().delivered().contains("toA \"from b\""));
		System.out.printf("producers %s: events both ways %d ms after the restarted node started%n", producerMode,
				(System.nanoTime() - restart) / 1_000_000);
		assertThat(a.links()).filteredOn((link) -> link.direction() == ClusterState.Direction.DIALLED)
			.singleElement()
			.satisfies((link) -> {
				assertThat(link.status()).isEqualTo(ClusterState.Status.READY);
				assertThat(link.reconnectAttempts()).isEqualTo(2);
			});
	}

	private Node start(String producerMode, String consumerMode, int port) {
		return this.nodes.start(List.of("pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.producer.mode=" + producerMode, "pubsubclub.consumer.mode=" + consumerMode,
				"pubsubclub.server.port=" + port, "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.link.reconnect-delay=1m", "pubsubclub.link.max-reconnect-delay=1m")
			.toArray(String[]::new));
	}

}
