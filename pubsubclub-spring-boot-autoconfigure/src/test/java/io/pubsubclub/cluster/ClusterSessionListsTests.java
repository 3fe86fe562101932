package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A publish's exclude and eligible lists honoured on every node (issue 17, defect 4):
 * full nodes, WAMP clients on both, PSC 1.2 between them. Each subscriber's frames are
 * checked up to a marker event published last: the link keeps the order, so an event
 * that was not delivered before the marker was not delivered at all.
 */
class ClusterSessionListsTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String TOPIC = "http://example.com/lists";

	private final WampClusterNodes nodes = new WampClusterNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void excludeAndEligibleAreAppliedOnTheOtherNodeAsOnThePublishersOwn() throws Exception {
		ConfigurableApplicationContext a = this.nodes.start();
		ConfigurableApplicationContext b = this.nodes.start();
		WampClusterNodes.link(b, a);
		WampFrameClient publisher = this.nodes.connect(a);
		WampFrameClient localOther = this.nodes.connect(a);
		WampFrameClient one = this.nodes.connect(b);
		WampFrameClient two = this.nodes.connect(b);
		for (WampFrameClient subscriber : List.of(localOther, one, two)) {
			subscriber.send("[5,\"" + TOPIC + "\"]");
		}
		await().atMost(WAIT).until(() -> a.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.anyMatch((link) -> link.status() == ClusterState.Status.READY && link.topics().contains(TOPIC)));
		publisher.send("[7,\"" + TOPIC + "\",\"for no one\",[],[]]");
		publisher.send("[7,\"" + TOPIC + "\",\"for one\",[],[\"" + one.sessionId + "\"]]");
		publisher.send("[7,\"" + TOPIC + "\",\"not for one\",[\"" + one.sessionId + "\"]]");
		publisher.send("[7,\"" + TOPIC + "\",\"for one and the local one\",[],[\"" + one.sessionId + "\",\""
				+ localOther.sessionId + "\"]]");
		publisher.send("[7,\"" + TOPIC + "\",\"marker\"]");
		assertThat(framesUpToTheMarker(one)).containsExactly(event("for one"), event("for one and the local one"),
				event("marker"));
		assertThat(framesUpToTheMarker(two)).containsExactly(event("not for one"), event("marker"));
		assertThat(framesUpToTheMarker(localOther)).containsExactly(event("not for one"),
				event("for one and the local one"), event("marker"));
		assertThat(b.getBean(ClusterNode.class).state().links()).singleElement()
			.satisfies((link) -> assertThat(link.version()).isEqualTo("1.2"));
	}

	private static List<String> framesUpToTheMarker(WampFrameClient client) throws InterruptedException {
		List<String> frames = new ArrayList<>();
		String frame;
		do {
			frame = client.next();
			frames.add(frame);
		}
		while (!frame.equals(event("marker")));
		return frames;
	}

	private static String event(String text) {
		return "[8,\"" + TOPIC + "\",\"" + text + "\"]";
	}

}
