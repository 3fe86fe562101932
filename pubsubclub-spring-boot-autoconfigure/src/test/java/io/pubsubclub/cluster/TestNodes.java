package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.pubsubclub.autoconfigure.ClusterAutoConfiguration;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Starts cluster nodes as separate Spring contexts in this JVM, each with a
 * {@link TestSubscribers} in place of a WAMP server, and closes them all at the end
 * (through {@link TestBridgeContexts}): after each test when registered as an instance
 * {@code @RegisterExtension} field, or when closed.
 */
public final class TestNodes implements AutoCloseable, AfterEachCallback {

	private final TestBridgeContexts contexts = new TestBridgeContexts();

	public Node start(String... properties) {
		return startWith(new Class<?>[0], properties);
	}

	/**
	 * Start a node with configurations of the test's own next to the node's, such as a
	 * scheduler bean in place of the starter's.
	 */
	public Node startWith(Class<?>[] configurations, String... properties) {
		List<Class<?>> sources = new ArrayList<>(List.of(NodeConfiguration.class));
		sources.addAll(List.of(configurations));
		return new Node(this.contexts.start(sources, List.of(properties)));
	}

	@Override
	public void close() {
		this.contexts.close();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		close();
	}

	public record Node(ConfigurableApplicationContext context) {

		public ClusterNode cluster() {
			return this.context.getBean(ClusterNode.class);
		}

		public TestSubscribers subscribers() {
			return TestBridgeContexts.subscribers(this.context);
		}

		public List<ClusterGapEvent> gaps() {
			return TestBridgeContexts.gaps(this.context);
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

	}

}
