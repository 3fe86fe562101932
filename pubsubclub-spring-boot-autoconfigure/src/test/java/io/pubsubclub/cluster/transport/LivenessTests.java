package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.support.WebSocketWire.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pings on the client side of a link, seen on the wire.
 */
class LivenessTests {

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void clientPingsAndKeepsALinkWhosePongsCome() throws Exception {
		try (SocketPeer consumer = new SocketPeer(true)) {
			// each pong has a whole second to come back: a loaded machine is slow, not silent
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.node-id=3", "pubsubclub.link.ping-interval=1s",
					"pubsubclub.peers=" + consumer.address());
			assertThat(next(consumer).text()).isEqualTo("[102,[1,1],3]");
			List<Frame> pings = new ArrayList<>();
			while (pings.size() < 3) {
				Frame frame = next(consumer);
				assertThat(frame.opcode()).as("only pings while idle").isEqualTo(0x9);
				pings.add(frame);
			}
			assertThat(producer.links()).singleElement()
				.satisfies((link) -> assertThat(link.status()).isEqualTo(ClusterState.Status.READY));
		}
	}

	@Test
	void clientClosesALinkWhosePongDoesNotComeByTheNextPing() throws Exception {
		try (SocketPeer consumer = new SocketPeer(false)) {
			Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.node-id=3", "pubsubclub.link.ping-interval=200ms", "pubsubclub.link.reconnect-delay=10s",
					"pubsubclub.peers=" + consumer.address());
			assertThat(next(consumer).text()).isEqualTo("[102,[1,1],3]");
			assertThat(next(consumer).opcode()).isEqualTo(0x9);
			Frame close = next(consumer);
			assertThat(close.opcode()).isEqualTo(0x8);
			assertThat(close.closeCode()).isEqualTo(4002);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.until(() -> producer.links().get(0).status() == ClusterState.Status.BACKING_OFF);
			assertThat(producer.links().get(0).lastError()).contains("ping timeout");
		}
	}

	@Test
	void pythonConsumerServerPingingOurProducerClientGetsPongs() throws Exception {
		try (SocketPeer consumer = new SocketPeer(true, List.of("PING:abc", "PING:def"), false)) {
			// our own pings far apart: a pong held back in a batch would only go out with
			// the next frame we send, and that would come too late
			this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.node-id=3", "pubsubclub.link.ping-interval=60s",
					"pubsubclub.peers=" + consumer.address());
			assertThat(next(consumer).text()).isEqualTo("[102,[1,1],3]");
			Frame first = next(consumer);
			Frame second = next(consumer);
			assertThat(first.opcode()).isEqualTo(0xA);
			assertThat(first.text()).isEqualTo("abc");
			assertThat(second.opcode()).isEqualTo(0xA);
			assertThat(second.text()).isEqualTo("def");
		}
	}

	private static Frame next(SocketPeer peer) throws InterruptedException {
		Frame frame = peer.frames.poll(10, TimeUnit.SECONDS);
		assertThat(frame).as("a frame within 10s").isNotNull();
		return frame;
	}

}
