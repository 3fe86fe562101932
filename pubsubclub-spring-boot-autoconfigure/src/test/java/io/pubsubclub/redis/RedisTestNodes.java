package io.pubsubclub.redis;

import java.util.ArrayList;
import java.util.List;

import io.pubsubclub.autoconfigure.RedisBackplaneAutoConfiguration;
import io.pubsubclub.cluster.ClusterGapEvent;
import io.pubsubclub.cluster.TestBridgeContexts;
import io.pubsubclub.cluster.TestSubscribers;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Starts nodes of a Redis backplane as separate Spring contexts in this JVM (Boot's
 * Spring Data Redis auto-configuration and the backplane's), each with a
 * {@link TestSubscribers} in place of a WAMP server, and closes them all at the end
 * (through {@link TestBridgeContexts}).
 */
public final class RedisTestNodes implements AutoCloseable {

	private final TestBridgeContexts contexts = new TestBridgeContexts();

	/** Start a node on the Redis at this port, with more properties. */
	public Node start(int redisPort, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redisPort, "pubsubclub.redis.enabled=true"));
		all.addAll(List.of(properties));
		// the argument overrides the module's test application.properties, which keeps
		// Spring Data Redis away from the other tests
		return new Node(this.contexts.start(List.of(NodeConfiguration.class), all, "--spring.autoconfigure.exclude="));
	}

	@Override
	public void close() {
		this.contexts.close();
	}

	public record Node(ConfigurableApplicationContext context) {

		public RedisBackplane backplane() {
			return this.context.getBean(RedisBackplane.class);
		}

		public TestSubscribers subscribers() {
			return TestBridgeContexts.subscribers(this.context);
		}

		public List<ClusterGapEvent> gaps() {
			return TestBridgeContexts.gaps(this.context);
		}

		public RedisBackplaneState state() {
			return backplane().state();
		}

		public void stop() {
			this.context.close();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, DataRedisAutoConfiguration.class,
			RedisBackplaneAutoConfiguration.class })
	static class NodeConfiguration {

	}

}
