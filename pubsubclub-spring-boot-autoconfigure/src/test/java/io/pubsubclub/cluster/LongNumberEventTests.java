package io.pubsubclub.cluster;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pubsubclub.cluster.TestNodes.Node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events a producer writes but a parser with Jackson's default limits refuses: a number
 * of more than 1,000 digits (an application's {@code BigInteger}) and a property name of
 * more than 50,000 characters. Found by {@link PscCodecFuzzTests}' round trip: the
 * consumer closed the link on the event, resumed, was replayed the same event and closed
 * again, for as long as the producer kept it, and nothing after it was delivered.
 */
class LongNumberEventTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void eventsWithALongNumberOrPropertyNameAreDeliveredAndTheLinkStays() {
		Node producer = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=server",
				"pubsubclub.server.port=0");
		Node consumer = this.nodes.start("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=client",
				"pubsubclub.peers=" + producer.address(), "pubsubclub.link.reconnect-delay=50ms",
				"pubsubclub.link.max-reconnect-delay=200ms");
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		String longNumber = "[1" + "0".repeat(1100) + "]";
		String longName = "{\"" + "n".repeat(50_010) + "\":1}";
		producer.subscribers().publish("t", "\"before\"");
		producer.subscribers().publish("t", longNumber);
		producer.subscribers().publish("t", longName);
		producer.subscribers().publish("t", "\"after\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t \"after\""));
		assertThat(consumer.subscribers().delivered()).containsExactly("t \"before\"", "t " + longNumber,
				"t " + longName, "t \"after\"");
		assertThat(consumer.cluster().state().totals().reconnectAttempts()).isZero();
		assertThat(consumer.cluster().state().totals().badFrames()).isZero();
	}

}
