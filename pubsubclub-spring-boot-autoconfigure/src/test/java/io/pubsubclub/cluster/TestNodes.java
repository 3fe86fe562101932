package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.pubsubclub.autoconfigure.ClusterAutoConfiguration;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts cluster nodes as separate Spring contexts in this JVM, each with a
 * {@link TestSubscribers} in place of a WAMP server, and closes them all at the end.
 */
public final class TestNodes implements AutoCloseable {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	public Node start(String... properties) {
		return startWith(new Class<?>[0], properties);
	}

	/**
	 * Start a node with configurations of the test's own next to the node's, such as a
	 * scheduler bean in place of the starter's.
	 */
	public Node startWith(Class<?>[] configurations, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off", "logging.level.root=warn",
				"logging.level.io.pubsubclub=info"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources(configurations))
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return new Node(context);
	}

	private static Class<?>[] sources(Class<?>[] configurations) {
		List<Class<?>> sources = new ArrayList<>(List.of(configurations));
		sources.add(0, NodeConfiguration.class);
		return sources.toArray(Class<?>[]::new);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.contexts) {
			context.close();
		}
		this.contexts.clear();
	}

	public record Node(ConfigurableApplicationContext context) {

		public ClusterNode cluster() {
			return this.context.getBean(ClusterNode.class);
		}

		public TestSubscribers subscribers() {
			return this.context.getBean(TestSubscribers.class);
		}

		public List<ClusterGapEvent> gaps() {
			return this.context.getBean(GapEvents.class).events;
		}

		public PeerAddress address() {
			return new PeerAddress("127.0.0.1", Objects.requireNonNull(cluster().serverPort()));
		}

		public ClusterPeers peers() {
			return Objects.requireNonNull(cluster().peers());
		}

		public List<ClusterState.Link> links() {
			return cluster().state().links();
		}

		public long readyLinks() {
			return links().stream().filter((link) -> link.status() == ClusterState.Status.READY).count();
		}

		/** Whether some consumer link of this producer asked for the topic. */
		public boolean forwards(String topic) {
			return links().stream()
				.anyMatch((link) -> link.farRole() == ClusterState.Role.CONSUMER
						&& link.status() == ClusterState.Status.READY && link.topics().contains(topic));
		}

		public void stop() {
			this.context.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ClusterAutoConfiguration.class, SslAutoConfiguration.class })
	static class NodeConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

		@Bean
		GapEvents gapEvents() {
			return new GapEvents();
		}

	}

	static final class GapEvents implements org.springframework.context.ApplicationListener<ClusterGapEvent> {

		final List<ClusterGapEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ClusterGapEvent event) {
			this.events.add(event);
		}

	}

}
