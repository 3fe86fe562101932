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
 * Full nodes (the WAMP server and the cluster, each a Boot web application on random
 * ports): a WAMP client on one node publishes, a WAMP client on another receives.
 */
class ClusterWampEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String TOPIC = "http://example.com/cluster#t";

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
	void wampPublishOnOneNodeReachesWampSubscribersOnTheOthers() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		ConfigurableApplicationContext c = start();
		List<ConfigurableApplicationContext> all = List.of(a, b, c);
		for (ConfigurableApplicationContext node : all) {
			for (ConfigurableApplicationContext other : all) {
				if (node != other) {
					node.getBean(ClusterNode.class)
						.peers()
						.add(new PeerAddress("127.0.0.1", other.getBean(ClusterNode.class).serverPort()));
				}
			}
		}
		WampFrameClient publisher = connect(a);
		WampFrameClient onB = connect(b);
		WampFrameClient onC = connect(c);
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
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		// b's consumer dials a's producer
		b.getBean(ClusterNode.class)
			.peers()
			.add(new PeerAddress("127.0.0.1", a.getBean(ClusterNode.class).serverPort()));
		WampFrameClient publisher = connect(a);
		WampFrameClient subscriber = connect(b);
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

	private static long consumersAsking(ConfigurableApplicationContext producer, String topic) {
		return producer.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(topic))
			.count();
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
