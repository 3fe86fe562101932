package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Several cluster nodes in one JVM, linked over real sockets on 127.0.0.1.
 */
class ClusterNodesTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@ParameterizedTest(name = "producer {0}, consumer {1}")
	@CsvSource({ "client, server", "server, client", "server, server", "client, client" })
	void eachModeCombinationCarriesEventsBothWays(String producerMode, String consumerMode) {
		// b's modes mirror a's so that every role meets its counterpart
		String bProducerMode = opposite(consumerMode);
		String bConsumerMode = opposite(producerMode);
		boolean aServes = producerMode.equals("server") || consumerMode.equals("server");
		boolean bServes = bProducerMode.equals("server") || bConsumerMode.equals("server");
		Node a = this.nodes.start(roles(producerMode, consumerMode, aServes));
		Node b = this.nodes.start(roles(bProducerMode, bConsumerMode, bServes));
		if (!producerMode.equals("server") || !consumerMode.equals("server")) {
			a.peers().add(b.address());
		}
		if (!bProducerMode.equals("server") || !bConsumerMode.equals("server")) {
			b.peers().add(a.address());
		}
		await().atMost(WAIT).until(() -> a.readyLinks() == 2 && b.readyLinks() == 2);
		a.subscribers().subscribe("t/a");
		b.subscribers().subscribe("t/b");
		await().atMost(WAIT).until(() -> a.forwards("t/b") && b.forwards("t/a"));
		a.subscribers().publish("t/b", "{\"from\":\"a\"}");
		b.subscribers().publish("t/a", "[\"from b\"]");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().contains("t/b {\"from\":\"a\"}")
				&& a.subscribers().delivered().contains("t/a [\"from b\"]"));
		assertThat(a.subscribers().delivered()).containsExactly("t/a [\"from b\"]");
		assertThat(b.subscribers().delivered()).containsExactly("t/b {\"from\":\"a\"}");
	}

	@Test
	void singleRoleNodesLinkProducerToConsumer() {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.peers=" + consumer.address());
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		producer.subscribers().publish("t", "null");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t null"));
		assertThat(producer.cluster().state().roles()).containsOnlyKeys(ClusterState.Role.PRODUCER);
		assertThat(producer.cluster().serverPort()).isNull();
	}

	@Test
	void bothRolesWithNoModesServeTheProducerAndDialAsConsumer() {
		Node a = this.nodes.start(defaultModes());
		Node b = this.nodes.start(defaultModes());
		a.peers().add(b.address());
		b.peers().add(a.address());
		await().atMost(WAIT).until(() -> a.readyLinks() == 2 && b.readyLinks() == 2);
		for (Node node : new Node[] { a, b }) {
			assertThat(node.cluster().state().roles()).containsExactlyInAnyOrderEntriesOf(
					Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER,
							ClusterState.Mode.CLIENT));
			// the far consumer dialled this node's producer; this node's consumer dialled the
			// far producer
			assertThat(node.links()).extracting(ClusterState.Link::direction, ClusterState.Link::farRole)
				.containsExactlyInAnyOrder(tuple(ClusterState.Direction.ACCEPTED, ClusterState.Role.CONSUMER),
						tuple(ClusterState.Direction.DIALLED, ClusterState.Role.PRODUCER));
		}
		b.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> a.forwards("t"));
		a.subscribers().publish("t", "\"over the accepted link\"");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().contains("t \"over the accepted link\""));
		ClusterState.Link delivering = a.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER)
			.findFirst()
			.orElseThrow();
		assertThat(delivering.direction()).isEqualTo(ClusterState.Direction.ACCEPTED);
		assertThat(delivering.topics()).containsExactly("t");
	}

	@Test
	void threeNodesFanOutWithEveryNodeInBothRoles() {
		Node a = this.nodes.start(defaultModes());
		Node b = this.nodes.start(defaultModes());
		Node c = this.nodes.start(defaultModes());
		for (Node node : new Node[] { a, b, c }) {
			for (Node other : new Node[] { a, b, c }) {
				if (node != other) {
					node.peers().add(other.address());
				}
			}
		}
		await().atMost(WAIT).until(() -> a.readyLinks() == 4 && b.readyLinks() == 4 && c.readyLinks() == 4);
		for (Node node : new Node[] { a, b, c }) {
			node.subscribers().subscribe("fan");
		}
		await().atMost(WAIT).until(() -> a.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER && link.topics().contains("fan"))
			.count() == 2);
		a.subscribers().publish("fan", "1");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().contains("fan 1")
				&& c.subscribers().delivered().contains("fan 1"));
		assertThat(a.subscribers().delivered()).isEmpty();
		assertThat(a.cluster().state().totals().eventsForwarded()).isEqualTo(2);
		assertThat(a.cluster().state().totals().publishesForwarded()).isOne();
	}

	@Test
	void subscriptionsMadeBeforeAndAfterTheLinkIsUpAreSynced() {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0");
		consumer.subscribers().subscribe("before");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.peers=" + consumer.address());
		await().atMost(WAIT).until(() -> producer.forwards("before"));
		consumer.subscribers().subscribe("after");
		await().atMost(WAIT).until(() -> producer.forwards("after"));
		producer.subscribers().publish("before", "1");
		producer.subscribers().publish("after", "2");
		producer.subscribers().publish("nobody", "3");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().size() == 2);
		assertThat(consumer.subscribers().delivered()).containsExactly("before 1", "after 2");
	}

	@Test
	void unsubscribingStopsForwarding() {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0");
		consumer.subscribers().subscribe("t");
		consumer.subscribers().subscribe("marker");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.peers=" + consumer.address());
		await().atMost(WAIT).until(() -> producer.forwards("t") && producer.forwards("marker"));
		consumer.subscribers().unsubscribe("t");
		await().atMost(WAIT).until(() -> !producer.forwards("t"));
		producer.subscribers().publish("t", "\"dropped\"");
		producer.subscribers().publish("marker", "\"after\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("marker \"after\""));
		assertThat(consumer.subscribers().delivered()).containsExactly("marker \"after\"");
		assertThat(producer.cluster().state().totals().eventsForwarded()).isOne();
	}

	@Test
	void restartedServerIsServedAgainOnTheSamePort() throws Exception {
		// a port the kernel does not hand out (as it does port 0's to every outgoing
		// connection): nothing takes it while the server is down
		int port = StablePort.pick();
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=" + port);
		consumer.subscribers().subscribe("t");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.peers=127.0.0.1:" + port);
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		long stopped = System.nanoTime();
		consumer.stop();
		await().atMost(WAIT).until(() -> producer.readyLinks() == 0);
		long started = System.nanoTime();
		Node restarted = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=" + port);
		long ready = System.nanoTime();
		restarted.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		long served = System.nanoTime();
		producer.subscribers().publish("t", "\"again\"");
		await().atMost(WAIT).until(() -> restarted.subscribers().delivered().contains("t \"again\""));
		System.out.printf("RECONNECT: server down %d ms, context start %d ms, served again %d ms after it was up"
				+ " (%d ms after it stopped), attempts %d%n", (started - stopped) / 1_000_000,
				(ready - started) / 1_000_000, (served - ready) / 1_000_000, (served - stopped) / 1_000_000,
				producer.links().get(0).reconnectAttempts());
	}

	@ParameterizedTest(name = "producer {0}, consumer {1}")
	@CsvSource({ "client, server", "server, client" })
	void selfConnectionIsClosedAndNotRetried(String producerMode, String consumerMode) throws Exception {
		Node node = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.producer.mode=" + producerMode, "pubsubclub.consumer.mode=" + consumerMode,
				"pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0",
				"pubsubclub.link.reconnect-delay=100ms");
		int port = node.address().port();
		// the node is told its own address, as discovery or a shared peer list would
		node.peers().add(new PeerAddress("127.0.0.1", port));
		await().atMost(WAIT).until(() -> node.peers().servers().isEmpty());
		assertThat(node.cluster().state().totals().selfLinks()).isOne();
		node.peers().add(new PeerAddress("127.0.0.1", port));
		assertThat(node.peers().servers()).isEmpty();
		await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> node.cluster().state().links().isEmpty());
		assertThat(node.cluster().state().totals().selfLinks()).isOne();
		// refused on the far side's first handshake frame, by the process token in the
		// upgrade headers: no handshake completes
		assertThat(node.cluster().state().totals().handshakes()).isZero();
	}

	@Test
	void eventsReceivedFromTheClusterAreNeverForwardedAgain() {
		Node a = this.nodes.start(defaultModes());
		Node b = this.nodes.start(defaultModes());
		a.peers().add(b.address());
		b.peers().add(a.address());
		a.subscribers().subscribe("loop");
		b.subscribers().subscribe("loop");
		await().atMost(WAIT).until(() -> a.forwards("loop") && b.forwards("loop"));
		a.subscribers().publish("loop", "{\"n\":1}");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().contains("loop {\"n\":1}"));
		// give a looping frame every chance to come back before counting
		await().during(Duration.ofMillis(500)).atMost(WAIT)
			.until(() -> a.subscribers().delivered().isEmpty());
		ClusterState.Totals aTotals = a.cluster().state().totals();
		ClusterState.Totals bTotals = b.cluster().state().totals();
		assertThat(aTotals.eventsForwarded()).isOne();
		assertThat(aTotals.eventsReceived()).isZero();
		assertThat(bTotals.eventsReceived()).isOne();
		assertThat(bTotals.eventsForwarded()).isZero();
		assertThat(b.subscribers().delivered()).containsExactly("loop {\"n\":1}");
		long messagesOutOfB = b.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER)
			.mapToLong(ClusterState.Link::messagesOut)
			.sum();
		assertThat(messagesOutOfB).isOne(); // the 102 only
	}

	private static String[] defaultModes() {
		return new String[] { "pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0" };
	}

	private static String[] roles(String producerMode, String consumerMode, boolean serves) {
		return new String[] { "pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.producer.mode=" + producerMode, "pubsubclub.consumer.mode=" + consumerMode,
				"pubsubclub.server.address=127.0.0.1", serves ? "pubsubclub.server.port=0" : "pubsubclub.node-id=1" };
	}

	private static String opposite(String mode) {
		return mode.equals("server") ? "client" : "server";
	}

}
