package io.pubsubclub.cluster.transport;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A consumer that dialled the producer's cluster server and stops reading is cut off with
 * 1013 once the link's send buffer is full, and a consumer that reads goes on: the
 * guarantee of the accepted side, now on the starter's own transport (issue 30), as
 * {@code ClientConnectorTests} holds it for the dialled side.
 */
class AcceptedSlowConsumerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final TestNodes nodes = new TestNodes();

	@AfterEach
	void closeNodes() {
		this.nodes.close();
	}

	@Test
	void consumerThatStopsReadingIsCutOffWith1013AndAnotherGoesOn() throws Exception {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.link.send-buffer-size=64KB");
		int port = producer.cluster().serverPort();
		try (RawUpgrade slow = RawUpgrade.open(port); RawUpgrade fast = RawUpgrade.open(port)) {
			for (RawUpgrade consumer : new RawUpgrade[] { slow, fast }) {
				assertThat(consumer.status).isEqualTo(101);
				consumer.sendText("[101,[1,1]]");
				assertThat(consumer.readText()).startsWith("[102,[1,1]");
				consumer.sendText("[201,\"t\"]");
			}
			await().atMost(WAIT)
				.until(() -> producer.links().stream().filter((link) -> link.topics().contains("t")).count() == 2);
			String event = "\"" + "x".repeat(8000) + "\"";
			int published = 0;
			while (producer.cluster().state().totals().slowPeerDisconnects() == 0 && published < 5_000) {
				// bursts the fast consumer reads; the slow one reads nothing
				for (int i = 0; i < 4; i++) {
					producer.subscribers().publish("t", event);
				}
				published += 4;
				for (int i = 0; i < 4; i++) {
					assertThat(fast.readText()).startsWith("[301,\"t\",\"xxx");
				}
			}
			assertThat(producer.cluster().state().totals().slowPeerDisconnects()).isOne();
			assertThat(slow.readUntilClose()).isEqualTo(1013);
			producer.subscribers().publish("t", "\"last\"");
			assertThat(fast.readText()).isEqualTo("[301,\"t\",\"last\"]");
			assertThat(producer.links()).anySatisfy((link) -> assertThat(link.lastError()).isEqualTo("slow peer: buffer"));
		}
	}

}
