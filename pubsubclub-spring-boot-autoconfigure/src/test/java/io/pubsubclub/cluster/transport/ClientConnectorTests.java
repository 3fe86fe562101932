package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClosedPort;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.support.WebSocketWire.Frame;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

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
		try (ClosedPort refusing = new ClosedPort()) {
			PeerAddress server = refusing.address();
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.peers=" + server, "pubsubclub.link.reconnect-delay=100ms",
					"pubsubclub.link.max-reconnect-delay=800ms");
			// the delays the dialler draws: each in its band, the jitter real, none over the maximum
			ExponentialBackOff backOff = producer.context().getBean(ClusterClient.class).backOff();
			List<Set<Long>> drawn = new ArrayList<>();
			for (int i = 0; i < 7; i++) {
				drawn.add(new HashSet<>());
			}
			for (int run = 0; run < 200; run++) {
				BackOffExecution execution = backOff.start();
				for (int i = 0; i < 7; i++) {
					long delay = execution.nextBackOff();
					assertThat(delay).as("delay %d", i).isBetween(lowest(i), highest(i));
					drawn.get(i).add(delay);
				}
			}
			assertThat(drawn).allSatisfy((delays) -> assertThat(delays).as("jittered").hasSizeGreaterThan(10));
			// the link's attempts follow them: attempt n is due no sooner than its band allows
			// after the one before, and no later than its band allows after it was scheduled
			Map<Long, Instant> due = new TreeMap<>();
			await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
				ClusterState.Link link = producer.links().get(0);
				// read after the snapshot: the attempt it shows was scheduled before now
				Instant seen = Instant.now();
				Instant next = link.nextAttempt();
				long attempts = link.reconnectAttempts();
				if (link.status() == ClusterState.Status.BACKING_OFF && next != null && !due.containsKey(attempts)) {
					assertThat(link.lastError()).isNotBlank();
					assertThat(Duration.between(seen, next).toMillis()).as("attempt %d scheduled", attempts)
						.isLessThanOrEqualTo(highest((int) attempts - 1));
					due.put(attempts, next);
				}
				return due.size() >= 7;
			});
			List<String> gaps = new ArrayList<>();
			for (Map.Entry<Long, Instant> entry : due.entrySet()) {
				Instant before = due.get(entry.getKey() - 1);
				if (before != null) {
					long gap = Duration.between(before, entry.getValue()).toMillis();
					gaps.add(entry.getKey() + ":" + gap);
					assertThat(gap).as("gap before attempt %d", entry.getKey() + 1)
						.isGreaterThanOrEqualTo(lowest((int) (entry.getKey() - 1)));
				}
			}
			System.out.println("BACKOFF: time between successive attempts on a refused server (attempt:ms,"
					+ " reconnect-delay 100ms, max 800ms): " + gaps);
			producer.peers().remove(server);
			await().atMost(WAIT).until(() -> producer.links().isEmpty());
			assertThat(producer.peers().servers()).isEmpty();
		}
	}

	// the band of the n-th delay (from 0) for reconnect-delay 100ms, jitter a quarter of
	// it, doubling, at most 800ms: Spring's ExponentialBackOff scales the jitter with the
	// interval
	private static long lowest(int n) {
		return (n == 0) ? 100 : Math.min(100L << n, 800) - Math.min(25L << n, 200);
	}

	private static long highest(int n) {
		return Math.min((100L << n) + (25L << n), 800);
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
			// once it reads again, the slow peer finds the close behind what was in flight,
			// when there is one: Tomcat's client drops the close frame if a write to the peer
			// is still pending when it closes (WritePendingException), and the connection
			// just ends. Either way it ends, and a close frame it gets says 1013.
			slow.resume();
			assertThat(slow.awaitCloseCode()).isIn(1013, SocketPeer.ENDED);
			producer.subscribers().publish("t", "\"last\"");
			int total = published;
			await().atMost(WAIT).until(() -> fast.textFrames.get() == expectedLast(total));
			assertThat(producer.links()).anySatisfy((link) -> {
				assertThat(link.address()).isEqualTo(slow.address());
				assertThat(link.lastError()).isEqualTo("slow peer: buffer");
			});
			System.out.println("SLOW PEER: cut off after " + published + " events of 8 KB");
		}
	}

	@Test
	void consumerWhoseWriteStallsPastTheSendTimeLimitIsCutOff() throws Exception {
		try (SocketPeer stalled = new SocketPeer(true, List.of("[201,\"t\"]"), true)) {
			// a buffer no test fills: only the send-time limit can cut this peer off
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.link.send-buffer-size=256MB", "pubsubclub.link.send-time-limit=1s",
					"pubsubclub.link.reconnect-delay=30s", "pubsubclub.link.ping-interval=1h",
					"pubsubclub.peers=" + stalled.address());
			await().atMost(WAIT).until(() -> producer.forwards("t"));
			String event = "\"" + "x".repeat(8000) + "\"";
			// half a megabyte a round: the socket buffers fill in a few rounds, however
			// seldom a loaded machine runs this thread
			await().atMost(WAIT.multipliedBy(2)).until(() -> {
				for (int i = 0; i < 64; i++) {
					producer.subscribers().publish("t", event);
				}
				return producer.cluster().state().totals().slowPeerDisconnects() == 1;
			});
			// no close frame to look for: the write given up on stopped in the middle of a frame
			await().atMost(WAIT).until(() -> producer.links().get(0).status() == ClusterState.Status.BACKING_OFF);
			assertThat(producer.links()).singleElement()
				.satisfies((link) -> assertThat(link.lastError()).isEqualTo("slow peer: send_time"));
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
