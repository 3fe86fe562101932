package io.pubsubclub.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.TestSubscribers;
import io.pubsubclub.redis.RedisBackplane;
import io.pubsubclub.redis.RedisMode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RedisBackplaneAutoConfiguration}: its conditions and the start-up
 * failures that name the property. Redis is pointed at a closed loopback port: the
 * backplane starts all the same (local delivery goes on) and retries.
 */
class RedisBackplaneAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				RedisBackplaneAutoConfiguration.class, ClusterAutoConfiguration.class))
		.withUserConfiguration(SubscribersConfiguration.class)
		.withPropertyValues("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + closedPort(),
				"spring.data.redis.connect-timeout=1s");

	@Test
	void offByDefault() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisBackplane.class));
	}

	@Test
	void onWhenEnabledWithItsSettingsAndNoMesh() {
		this.runner
			.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.node-id=7",
					"pubsubclub.redis.channel-prefix=app:", "pubsubclub.redis.history.max-len=50")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisBackplane.class).doesNotHaveBean(ClusterNode.class);
				RedisBackplane backplane = context.getBean(RedisBackplane.class);
				assertThat(backplane.nodeId()).isEqualTo(7);
				assertThat(backplane.settings().mode()).isEqualTo(RedisMode.PUBSUB);
				assertThat(backplane.settings().channel("t")).isEqualTo("app:{t}");
				assertThat(backplane.settings().maxLen()).isEqualTo(50);
				assertThat(backplane.settings().history()).isTrue();
				assertThat(backplane.isConnected()).isFalse();
				assertThat(backplane.state().endpoint()).startsWith("127.0.0.1:");
			});
	}

	@Test
	void backsOffWithoutLocalSubscribers() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataRedisAutoConfiguration.class, RedisBackplaneAutoConfiguration.class))
			.withPropertyValues("pubsubclub.redis.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RedisBackplane.class));
	}

	@Test
	void aClusterRoleNextToTheBackplaneFailsNamingTheProperties() {
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.producer.enabled=true",
				"pubsubclub.server.port=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.redis.enabled")
				.hasMessageContaining("pubsubclub.producer.enabled=true"));
	}

	@Test
	void peersNextToTheBackplaneFailNamingTheProperties() {
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.peers=127.0.0.1:19000")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.redis.enabled")
				.hasMessageContaining("pubsubclub.peers"));
	}

	@Test
	void shardedWithoutARedisClusterFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.redis.mode=sharded")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.redis.mode")
				.hasMessageContaining("spring.data.redis.cluster.nodes"));
	}

	@Test
	void badHistorySettingsFailNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.redis.history.max-len=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.redis.history.max-len"));
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.redis.channel-prefix=a{b}:")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.redis.channel-prefix"));
	}

	@Test
	void withoutSpringDataRedisConfiguredItFailsNamingWhatToAdd() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RedisBackplaneAutoConfiguration.class))
			.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues("pubsubclub.redis.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	private static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

}
