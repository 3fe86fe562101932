package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.cluster.WampClusterNodes.consumersAsking;
import static io.pubsubclub.cluster.WampClusterNodes.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Full nodes (the WAMP server and the cluster, each a Boot web application on random
 * ports): a WAMP client on one node publishes, a WAMP client on another receives.
 */
class ClusterWampEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String TOPIC = "http://example.com/cluster#t";

	private final WampClusterNodes nodes = new WampClusterNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void wampPublishOnOneNodeReachesWampSubscribersOnTheOthers() throws Exception {
		ConfigurableApplicationContext a = this.nodes.start();
		ConfigurableApplicationContext b = this.nodes.start();
		ConfigurableApplicationContext c = this.nodes.start();
		List<ConfigurableApplicationContext> all = List.of(a, b, c);
		for (ConfigurableApplicationContext node : all) {
			for (ConfigurableApplicationContext other : all) {
				if (node != other) {
					link(node, other);
				}
			}
		}
		WampFrameClient publisher = this.nodes.connect(a);
		WampFrameClient onB = this.nodes.connect(b);
		WampFrameClient onC = this.nodes.connect(c);
		onB.send("[5,\"" + TOPIC + "\"]");
		onC.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(a, TOPIC) == 2);
		publisher.send("[7,\"" + TOPIC + "\",{\"n\":1,\"s\":\"h\\u00e9\"}]");
		// the WAMP server encodes the event once; the cluster carries that text as it is
		assertThat(onB.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"n\":1,\"s\":\"h\u00e9\"}]");
		assertThat(onC.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"n\":1,\"s\":\"h\u00e9\"}]");
		// and back: a subscriber on A gets what B publishes (B's publishing session is
		// left out locally, as the WAMP server does by default)
		publisher.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(b, TOPIC) == 2);
		onB.send("[7,\"" + TOPIC + "\",\"from b\"]");
		assertThat(publisher.next()).isEqualTo("[8,\"" + TOPIC + "\",\"from b\"]");
		assertThat(onC.next()).isEqualTo("[8,\"" + TOPIC + "\",\"from b\"]");
		// nothing loops back
		await().during(Duration.ofMillis(300)).atMost(WAIT)
			.until(() -> publisher.frames.isEmpty() && onB.frames.isEmpty() && onC.frames.isEmpty());
		assertThat(b.getBean(ClusterNode.class).state().totals().eventsReceived()).isOne();
	}

	@Test
	void unsubscribingOnTheWampSideStopsForwarding() throws Exception {
		ConfigurableApplicationContext a = this.nodes.start();
		ConfigurableApplicationContext b = this.nodes.start();
		// b's consumer dials a's producer
		link(b, a);
		WampFrameClient publisher = this.nodes.connect(a);
		WampFrameClient subscriber = this.nodes.connect(b);
		String marker = TOPIC + "-marker";
		subscriber.send("[5,\"" + TOPIC + "\"]");
		subscriber.send("[5,\"" + marker + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(a, TOPIC) == 1 && consumersAsking(a, marker) == 1);
		subscriber.send("[6,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(a, TOPIC) == 0);
		publisher.send("[7,\"" + TOPIC + "\",1]");
		// published after it on the same session: once the marker is in, the event would be
		publisher.send("[7,\"" + marker + "\",2]");
		assertThat(subscriber.next()).isEqualTo("[8,\"" + marker + "\",2]");
		assertThat(subscriber.frames).isEmpty();
		// an idle link writes the 301 on the publishing thread before it counts it
		await().atMost(WAIT).until(() -> a.getBean(ClusterNode.class).state().totals().eventsForwarded() == 1);
		assertThat(subscriber.frames).isEmpty();
	}

}
