package io.pubsubclub.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pubsubclub.autoconfigure.RedisBackplaneAutoConfiguration;
import io.pubsubclub.cluster.ClusterGapEvent;
import io.pubsubclub.cluster.TestSubscribers;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts nodes of a Redis backplane as separate Spring contexts in this JVM (Boot's
 * Spring Data Redis auto-configuration and the backplane's), each with a
 * {@link TestSubscribers} in place of a WAMP server, and closes them all at the end.
 */
public final class RedisTestNodes implements AutoCloseable {

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/** Start a node on the Redis at this port, with more properties. */
	public Node start(int redisPort, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.main.banner-mode=off", "logging.level.root=warn",
				"logging.level.io.pubsubclub=info", "spring.data.redis.host=127.0.0.1",
				"spring.data.redis.port=" + redisPort, "pubsubclub.redis.enabled=true"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeConfiguration.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			// over the module's test application.properties, which keeps Spring Data
			// Redis away from the other tests
			.run("--spring.autoconfigure.exclude=");
		this.contexts.add(context);
		return new Node(context);
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.contexts) {
			context.close();
		}
		this.contexts.clear();
	}

	public record Node(ConfigurableApplicationContext context) {

		public RedisBackplane backplane() {
			return this.context.getBean(RedisBackplane.class);
		}

		public TestSubscribers subscribers() {
			return this.context.getBean(TestSubscribers.class);
		}

		public List<ClusterGapEvent> gaps() {
			return this.context.getBean(GapEvents.class).events;
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

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

		@Bean
		GapEvents gapEvents() {
			return new GapEvents();
		}

	}

	static final class GapEvents implements ApplicationListener<ClusterGapEvent> {

		final List<ClusterGapEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ClusterGapEvent event) {
			this.events.add(event);
		}

	}

}
