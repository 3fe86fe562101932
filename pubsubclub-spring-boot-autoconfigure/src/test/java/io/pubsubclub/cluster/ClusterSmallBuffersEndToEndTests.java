package io.pubsubclub.cluster;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.support.RestoredSystemProperty;
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

	@RegisterExtension
	static final RestoredSystemProperty defaultBufferSize = new RestoredSystemProperty(DEFAULT_BUFFER_SIZE);

	private final WampClusterNodes nodes = new WampClusterNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
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
		WampClusterNodes.link(a, b);
		WampClusterNodes.link(b, a);
		WampFrameClient publisher = connect(a);
		WampFrameClient subscriber = connect(b);
		subscriber.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> WampClusterNodes.consumersAsking(a, TOPIC) == 1);
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

	private ConfigurableApplicationContext start(String producerMode, String consumerMode) {
		return this.nodes.start("pubsubclub.producer.mode=" + producerMode, "pubsubclub.consumer.mode=" + consumerMode,
				"pubsubclub.wamp.connection-buffer-size=1KB");
	}

	private WampFrameClient connect(ConfigurableApplicationContext context) throws Exception {
		// the test's client takes whole messages: give it room, as the JVM's default is 1 KB
		return this.nodes.connect(context, 64 * 1024);
	}

}
