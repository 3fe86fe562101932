package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Starts nodes of a bridge (the cluster, the Redis backplane) as Spring contexts without
 * a web server in this JVM, each with a {@link TestSubscribers} in place of a WAMP server
 * and a record of its {@link ClusterGapEvent gap events} ({@link Beans}), and closes them
 * all at the end. {@link TestNodes} and the Redis backplane's test nodes build on it.
 */
public final class TestBridgeContexts implements AutoCloseable {

	private static final List<String> PROPERTIES = List.of("spring.main.banner-mode=off", "logging.level.root=warn",
			"logging.level.io.pubsubclub=info");

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	/**
	 * Start a node of these configurations and {@link Beans}, with these properties and
	 * command-line arguments.
	 */
	public ConfigurableApplicationContext start(List<Class<?>> configurations, List<String> properties,
			String... args) {
		List<Class<?>> sources = new ArrayList<>(configurations);
		sources.add(Beans.class);
		List<String> all = new ArrayList<>(PROPERTIES);
		all.addAll(properties);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run(args);
		this.contexts.add(context);
		return context;
	}

	/** The local subscribers of a node started here. */
	public static TestSubscribers subscribers(ConfigurableApplicationContext context) {
		return context.getBean(TestSubscribers.class);
	}

	/** The gaps a node started here reported, in order. */
	public static List<ClusterGapEvent> gaps(ConfigurableApplicationContext context) {
		return context.getBean(GapEvents.class).events;
	}

	@Override
	public void close() {
		for (ConfigurableApplicationContext context : this.contexts) {
			context.close();
		}
		this.contexts.clear();
	}

	/**
	 * The beans every node gets: its local subscribers, and the record of its gaps.
	 */
	@Configuration(proxyBeanMethods = false)
	static class Beans {

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
