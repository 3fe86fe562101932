package io.pubsubclub.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
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

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<WampFrameClient> clients = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (WampFrameClient client : this.clients) {
			client.close();
		}
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void excludeAndEligibleAreAppliedOnTheOtherNodeAsOnThePublishersOwn() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		b.getBean(ClusterNode.class).peers().add(new PeerAddress("127.0.0.1", a.getBean(ClusterNode.class).serverPort()));
		WampFrameClient publisher = connect(a);
		WampFrameClient localOther = connect(a);
		WampFrameClient one = connect(b);
		WampFrameClient two = connect(b);
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

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("server.port=0", "server.address=127.0.0.1", "pubsubclub.producer.enabled=true",
					"pubsubclub.consumer.enabled=true", "pubsubclub.server.address=127.0.0.1",
					"pubsubclub.server.port=0", "logging.level.root=warn", "logging.level.io.pubsubclub=info")
			.run();
		this.contexts.add(context);
		return context;
	}

	private WampFrameClient connect(ConfigurableApplicationContext context) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		WampFrameClient client = new WampFrameClient(URI.create("ws://127.0.0.1:" + port + "/wamp"));
		this.clients.add(client);
		return client;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

	}

}
