package io.pubsubclub.cluster;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts full nodes in this JVM, each a Boot web application with the WAMP server and
 * both cluster roles on random ports of 127.0.0.1; links them, connects WAMP clients to
 * them, and closes the clients, then the nodes, at the end.
 */
public final class WampClusterNodes implements AutoCloseable {

	/** What every node gets, before the test's own properties. */
	public static final List<String> PROPERTIES = List.of("server.port=0", "server.address=127.0.0.1",
			"pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
			"pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0", "logging.level.root=warn",
			"logging.level.io.pubsubclub=info");

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<AutoCloseable> clients = new ArrayList<>();

	/** Start a node of a plain Boot application, with more properties. */
	public ConfigurableApplicationContext start(String... properties) {
		return start(NodeApplication.class, Map.of(), properties);
	}

	/**
	 * Start a node of a plain Boot application, with more properties; those in the map
	 * may have keys that a {@code key=value} string cannot hold (a colon in a bracketed
	 * key).
	 */
	public ConfigurableApplicationContext start(Map<String, Object> map, String... properties) {
		return start(NodeApplication.class, map, properties);
	}

	/**
	 * Start a node of the given application, with more properties; those in the map may
	 * have keys that a {@code key=value} string cannot hold (a colon in a bracketed key).
	 */
	public ConfigurableApplicationContext start(Class<?> application, Map<String, Object> map,
			String... properties) {
		List<String> all = new ArrayList<>(PROPERTIES);
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.properties(map)
			.run();
		this.contexts.add(context);
		return context;
	}

	/** Connect a WAMPv1 client to the node, closed with the nodes. */
	public WampFrameClient connect(ConfigurableApplicationContext node) throws Exception {
		return closeLater(new WampFrameClient(wampUri(node)));
	}

	/** Connect a WAMPv1 client that takes messages up to this size. */
	public WampFrameClient connect(ConfigurableApplicationContext node, int textBufferSize) throws Exception {
		return closeLater(new WampFrameClient(wampUri(node), textBufferSize));
	}

	/** Close the client before the nodes at the end. */
	public <T extends AutoCloseable> T closeLater(T client) {
		this.clients.add(client);
		return client;
	}

	/** Let the first node dial the second's cluster server. */
	public static void link(ConfigurableApplicationContext from, ConfigurableApplicationContext to) {
		Objects.requireNonNull(from.getBean(ClusterNode.class).peers())
			.add(new PeerAddress("127.0.0.1", Objects.requireNonNull(to.getBean(ClusterNode.class).serverPort())));
	}

	/** The number of ready consumer links of this producer that asked for the topic. */
	public static long consumersAsking(ConfigurableApplicationContext producer, String topic) {
		return producer.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.filter((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(topic))
			.count();
	}

	/** The port of the node's web server, where the WAMP endpoint is. */
	public static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	private static URI wampUri(ConfigurableApplicationContext node) {
		return URI.create("ws://127.0.0.1:" + port(node) + "/wamp");
	}

	@Override
	public void close() throws Exception {
		try {
			for (AutoCloseable client : this.clients) {
				client.close();
			}
		}
		finally {
			this.clients.clear();
			this.contexts.forEach(ConfigurableApplicationContext::close);
			this.contexts.clear();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

	}

}
