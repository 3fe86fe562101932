package io.pubsubclub.autoconfigure;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pubsubclub.actuate.ClusterMeterBinder;
import io.pubsubclub.actuate.PubSubClubEndpoint;
import io.pubsubclub.actuate.PubSubClubHealthIndicator;
import io.pubsubclub.actuate.WampServerMeterBinder;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.TestSubscribers;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PubSubClubEndpointAutoConfiguration},
 * {@link PubSubClubHealthContributorAutoConfiguration} and
 * {@link PubSubClubMetricsAutoConfiguration}.
 */
class PubSubClubActuateAutoConfigurationTests {

	private static final String[] CLUSTER = { "pubsubclub.consumer.enabled=true", "pubsubclub.peers=127.0.0.1:1",
			"pubsubclub.link.reconnect-delay=1h" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class,
				PubSubClubEndpointAutoConfiguration.class, PubSubClubHealthContributorAutoConfiguration.class,
				PubSubClubMetricsAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=pubsubclub");

	@Test
	void endpointWithTheWampServerAlone() {
		this.runner.withUserConfiguration(WampServerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PubSubClubEndpoint.class).doesNotHaveBean(ClusterNode.class);
			PubSubClubEndpoint.NodeDescriptor node = context.getBean(PubSubClubEndpoint.class).node();
			assertThat(node.cluster()).isNull();
			assertThat(node.wamp().sessions()).isZero();
		});
	}

	@Test
	void endpointWithTheClusterAlone() {
		this.runner.withUserConfiguration(SubscribersConfiguration.class).withPropertyValues(CLUSTER).run((context) -> {
			PubSubClubEndpoint.NodeDescriptor node = context.getBean(PubSubClubEndpoint.class).node();
			assertThat(node.wamp()).isNull();
			assertThat(node.cluster().roles()).containsEntry("consumer", "client").hasSize(1);
			assertThat(node.cluster().server()).isNull();
			assertThat(node.cluster().links()).singleElement()
				.satisfies((link) -> assertThat(link.address()).isEqualTo("127.0.0.1:1"));
		});
	}

	@Test
	void noEndpointWithoutWampServerOrCluster() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PubSubClubEndpoint.class));
	}

	@Test
	void noEndpointWhenNotExposed() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(PubSubClubEndpoint.class));
	}

	@Test
	void noEndpointWithoutTheActuator() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PubSubClubEndpoint.class));
	}

	@Test
	void userEndpointWins() {
		this.runner.withUserConfiguration(WampServerConfiguration.class, UserEndpointConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(PubSubClubEndpoint.class)
				.hasBean("myEndpoint"));
	}

	@Test
	void healthIndicatorWithTheCluster() {
		this.runner.withUserConfiguration(SubscribersConfiguration.class).withPropertyValues(CLUSTER).run((context) -> {
			assertThat(context).hasSingleBean(PubSubClubHealthIndicator.class).hasBean("pubsubclubHealthIndicator");
			// the only peer is a closed port: its link is not ready
			assertThat(context.getBean(PubSubClubHealthIndicator.class).health(true).getStatus())
				.isEqualTo(PubSubClubHealthIndicator.DEGRADED);
		});
	}

	@Test
	void healthIndicatorIsUpWithNoPeers() {
		this.runner.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues("pubsubclub.consumer.enabled=true")
			.run((context) -> assertThat(context.getBean(PubSubClubHealthIndicator.class).health(true).getStatus())
				.isEqualTo(Status.UP));
	}

	@Test
	void noHealthIndicatorWhenDisabled() {
		this.runner.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues(CLUSTER)
			.withPropertyValues("management.health.pubsubclub.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(ClusterNode.class)
				.doesNotHaveBean(PubSubClubHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutTheCluster() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(PubSubClubHealthIndicator.class));
	}

	@Test
	void noHealthIndicatorWithoutSpringBootHealth() {
		this.runner.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues(CLUSTER)
			.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PubSubClubHealthIndicator.class));
	}

	@Test
	void meterBindersForTheWampServerAndTheCluster() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.withPropertyValues(CLUSTER)
			.run((context) -> {
				assertThat(context).hasSingleBean(WampServerMeterBinder.class).hasSingleBean(ClusterMeterBinder.class);
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBeansOfType(MeterBinder.class).values().forEach((binder) -> binder.bindTo(registry));
				assertThat(registry.get("pubsubclub.publishes").functionCounters()).hasSize(3);
				assertThat(registry.get("pubsubclub.cluster.links").gauges()).hasSize(36); // 6 states x 2 directions x 3 far roles
				assertThat(registry.get("pubsubclub.drops").functionCounters())
					.allSatisfy((counter) -> assertThat(counter.getId().getTags()).hasSize(2));
			});
	}

	@Test
	void onlyTheWampMeterBinderWithoutTheCluster() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(WampServerMeterBinder.class)
				.doesNotHaveBean(ClusterMeterBinder.class));
	}

	@Test
	void noMeterBindersWithoutMicrometer() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.withPropertyValues(CLUSTER)
			.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(WampServerMeterBinder.class)
				.doesNotHaveBean(ClusterMeterBinder.class));
	}

	@Test
	void theClusterRunsWithoutActuatorHealthOrMicrometer() {
		this.runner.withUserConfiguration(WampServerConfiguration.class)
			.withPropertyValues(CLUSTER)
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "org.springframework.boot.health",
					"io.micrometer"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ClusterNode.class)
				.doesNotHaveBean(PubSubClubEndpoint.class)
				.doesNotHaveBean(PubSubClubHealthIndicator.class)
				.doesNotHaveBean(WampServerMeterBinder.class)
				.doesNotHaveBean(ClusterMeterBinder.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class WampServerConfiguration {

		@Bean
		WampServer wampServer(org.springframework.context.ApplicationEventPublisher publisher) {
			return new WampServer(JsonMapper.builder().build(), publisher, new WampServerMetrics());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserEndpointConfiguration {

		@Bean
		PubSubClubEndpoint myEndpoint() {
			return new PubSubClubEndpoint(null, null);
		}

	}

}
