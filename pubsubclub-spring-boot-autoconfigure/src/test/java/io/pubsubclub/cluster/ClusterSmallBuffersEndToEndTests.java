package io.pubsubclub.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two full nodes with {@code pubsubclub.wamp.connection-buffer-size=1KB}, so that every
 * Tomcat WebSocket buffer of the JVM is 1 KB, cluster links included: an event far bigger
 * crosses the cluster hop intact, in parts on every connection it takes.
 * <p>
 * Tagged {@code own-jvm}: Tomcat reads {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}
 * once per JVM, so the build runs this class in a JVM of its own.
 */
@Tag("own-jvm")
class ClusterSmallBuffersEndToEndTests {

	private static final String DEFAULT_BUFFER_SIZE = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String TOPIC = "http://example.com/cluster#large";

	private static @Nullable String savedDefaultBufferSize;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<WampFrameClient> clients = new ArrayList<>();

	@BeforeAll
	static void saveSystemProperty() {
		savedDefaultBufferSize = System.getProperty(DEFAULT_BUFFER_SIZE);
	}

	@AfterAll
	static void restoreSystemProperty() {
		if (savedDefaultBufferSize != null) {
			System.setProperty(DEFAULT_BUFFER_SIZE, savedDefaultBufferSize);
		}
		else {
			System.clearProperty(DEFAULT_BUFFER_SIZE);
		}
	}

	@AfterEach
	void close() throws Exception {
		for (WampFrameClient client : this.clients) {
			client.close();
		}
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	// both layouts: events go server to client when producers serve, client to server when
	// consumers serve, and each side reads and writes its parts differently
	@ParameterizedTest(name = "producer {0}, consumer {1}")
	@CsvSource({ "server, client", "client, server" })
	void eventBiggerThanEveryBufferCrossesTheClusterIntact(String producerMode, String consumerMode)
			throws Exception {
		ConfigurableApplicationContext a = start(producerMode, consumerMode);
		assertThat(System.getProperty(DEFAULT_BUFFER_SIZE)).isEqualTo("1024");
		ConfigurableApplicationContext b = start(producerMode, consumerMode);
		a.getBean(ClusterNode.class)
			.peers()
			.add(new PeerAddress("127.0.0.1", b.getBean(ClusterNode.class).serverPort()));
		b.getBean(ClusterNode.class)
			.peers()
			.add(new PeerAddress("127.0.0.1", a.getBean(ClusterNode.class).serverPort()));
		WampFrameClient publisher = connect(a);
		WampFrameClient subscriber = connect(b);
		subscriber.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(a) == 1);
		// ASCII with two-, three- and four-byte UTF-8 characters, so that parts split them
		String event = "\"" + "aé€\uD83D\uDE00".repeat(2000) + "\"";
		publisher.send("[7,\"" + TOPIC + "\"," + event + "]");
		assertThat(subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\"," + event + "]");
		publisher.send("[7,\"" + TOPIC + "\",\"small after large\"]");
		assertThat(subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",\"small after large\"]");
		// counted once the frame is queued: an idle link writes it at once, so the far
		// subscriber may have it before the publishing thread counts it
		await().atMost(WAIT).until(() -> a.getBean(ClusterNode.class).state().totals().eventsForwarded() == 2);
	}

	private static long consumersAsking(ConfigurableApplicationContext producer) {
		return producer.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(TOPIC))
			.count();
	}

	private ConfigurableApplicationContext start(String producerMode, String consumerMode) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("server.port=0", "server.address=127.0.0.1", "pubsubclub.producer.enabled=true",
					"pubsubclub.consumer.enabled=true", "pubsubclub.producer.mode=" + producerMode,
					"pubsubclub.consumer.mode=" + consumerMode, "pubsubclub.server.address=127.0.0.1",
					"pubsubclub.server.port=0", "pubsubclub.wamp.connection-buffer-size=1KB",
					"logging.level.root=warn", "logging.level.io.pubsubclub=info")
			.run();
		this.contexts.add(context);
		return context;
	}

	private WampFrameClient connect(ConfigurableApplicationContext context) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		// the test's client takes whole messages: give it room, as the JVM's default is 1 KB
		WampFrameClient client = new WampFrameClient(URI.create("ws://127.0.0.1:" + port + "/wamp"), 64 * 1024);
		this.clients.add(client);
		return client;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

	}

}
