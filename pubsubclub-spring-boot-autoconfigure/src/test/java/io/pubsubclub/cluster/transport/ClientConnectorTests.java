package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.cluster.transport.SocketPeer.Frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client connector: back-off, adding and removing servers, reconnecting, and cutting
 * off a peer that cannot keep up.
 */
class ClientConnectorTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void refusedServerIsRetriedWithAGrowingJitteredBackOffUntilRemoved() throws Exception {
		int port = io.pubsubclub.cluster.ClusterNodesTestsSupport.freePort();
		PeerAddress server = new PeerAddress("127.0.0.1", port);
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.peers=" + server, "pubsubclub.link.reconnect-delay=100ms",
				"pubsubclub.link.max-reconnect-delay=800ms");
		List<Instant> nextAttempts = new ArrayList<>();
		long attempts = 0;
		while (nextAttempts.size() < 7) {
			ClusterState.Link link = producer.links().get(0);
			if (link.status() == ClusterState.Status.BACKING_OFF && link.reconnectAttempts() > attempts
					&& link.nextAttempt() != null) {
				attempts = link.reconnectAttempts();
				nextAttempts.add(link.nextAttempt());
				assertThat(link.lastError()).isNotBlank();
			}
			Thread.sleep(5);
		}
		List<Long> delays = new ArrayList<>();
		for (int i = 1; i < nextAttempts.size(); i++) {
			delays.add(Duration.between(nextAttempts.get(i - 1), nextAttempts.get(i)).toMillis());
		}
		System.out.println("BACKOFF: time between successive attempts on a refused server (ms, reconnect-delay"
				+ " 100ms, max 800ms): " + delays);
		assertThat(delays.get(delays.size() - 1)).isGreaterThan(delays.get(0));
		producer.peers().remove(server);
		await().atMost(WAIT).until(() -> producer.links().isEmpty());
		assertThat(producer.peers().servers()).isEmpty();
	}

	@Test
	void addedServerIsDialledAtOnceAndRemovedServerIsClosed() throws Exception {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client");
		assertThat(producer.links()).isEmpty();
		producer.peers().add(consumer.address());
		await().atMost(WAIT).until(() -> producer.readyLinks() == 1 && consumer.readyLinks() == 1);
		producer.peers().remove(consumer.address());
		await().atMost(WAIT).until(() -> producer.links().isEmpty() && consumer.links().isEmpty());
	}

	@Test
	void reconnectClosesAndDialsAgainAtOnce() throws Exception {
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
				"pubsubclub.server.port=0");
		consumer.subscribers().subscribe("t");
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
				"pubsubclub.link.reconnect-delay=30s", "pubsubclub.peers=" + consumer.address());
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		Instant connected = producer.links().get(0).connectedSince();
		assertThat(producer.cluster().reconnect(consumer.address())).isTrue();
		await().atMost(WAIT).until(() -> producer.forwards("t") && producer.links().get(0).connectedSince() != null
				&& producer.links().get(0).connectedSince().isAfter(connected));
		Instant again = producer.links().get(0).connectedSince();
		producer.cluster().reconnectAll();
		await().atMost(WAIT).until(() -> producer.forwards("t") && producer.links().get(0).connectedSince() != null
				&& producer.links().get(0).connectedSince().isAfter(again));
		assertThat(producer.cluster().reconnect(new PeerAddress("127.0.0.1", 1))).isFalse();
	}

	@Test
	void consumerThatCannotKeepUpIsCutOffAndOthersGoOn() throws Exception {
		String subscribe = "[201,\"t\"]";
		try (SocketPeer slow = new SocketPeer(true, List.of(subscribe), true);
				SocketPeer fast = new SocketPeer(true, List.of(subscribe), false)) {
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.link.send-buffer-size=64KB", "pubsubclub.link.reconnect-delay=30s",
					"pubsubclub.link.ping-interval=1h",
					"pubsubclub.peers=" + slow.address() + "," + fast.address());
			await().atMost(WAIT).until(() -> producer.links()
				.stream()
				.filter((link) -> link.topics().contains("t"))
				.count() == 2);
			String event = "\"" + "x".repeat(8000) + "\"";
			int published = 0;
			while (producer.cluster().state().totals().slowPeerDisconnects() == 0 && published < 5_000) {
				// bursts the fast peer can take; the slow one reads nothing
				for (int i = 0; i < 4; i++) {
					producer.subscribers().publish("t", event);
				}
				published += 4;
				int expected = published;
				await().atMost(WAIT).until(() -> fast.textFrames.get() >= expected + 1);
			}
			assertThat(producer.cluster().state().totals().slowPeerDisconnects()).isOne();
			producer.subscribers().publish("t", "\"last\"");
			int total = published;
			await().atMost(WAIT).until(() -> fast.textFrames.get() == expectedLast(total));
			assertThat(producer.links()).anySatisfy((link) -> {
				assertThat(link.address()).isEqualTo(slow.address());
				assertThat(link.lastError()).contains("slow peer");
			});
			System.out.println("SLOW PEER: cut off after " + published + " events of 8 KB");
		}
	}

	private static int expectedLast(int published) {
		// the 102, every event, and the last one
		return published + 2;
	}

	static Frame next(SocketPeer peer) throws InterruptedException {
		Frame frame = peer.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).isNotNull();
		return frame;
	}

}
