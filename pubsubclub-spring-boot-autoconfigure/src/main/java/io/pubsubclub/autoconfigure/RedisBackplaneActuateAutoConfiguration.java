package io.pubsubclub.autoconfigure;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.actuate.PubSubClubEndpoint;
import io.pubsubclub.actuate.RedisBackplaneHealthIndicator;
import io.pubsubclub.actuate.RedisBackplaneMeterBinder;
import io.pubsubclub.redis.RedisBackplane;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the operations side of the {@link RedisBackplane Redis
 * backplane}: its health (contributed as {@code pubsubclub}, as the cluster links' is
 * when the mesh runs), its Micrometer meters, and its part of the {@code pubsubclub}
 * actuator endpoint.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "io.pubsubclub.autoconfigure.RedisBackplaneAutoConfiguration",
		"io.pubsubclub.autoconfigure.PubSubClubEndpointAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration" })
@ConditionalOnClass(RedisClient.class)
@ConditionalOnBean(RedisBackplane.class)
public final class RedisBackplaneActuateAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
	static class HealthConfiguration {

		@Bean
		@ConditionalOnEnabledHealthIndicator("pubsubclub")
		@ConditionalOnMissingBean(name = "pubsubclubHealthIndicator")
		RedisBackplaneHealthIndicator pubsubclubHealthIndicator(RedisBackplane backplane) {
			return new RedisBackplaneHealthIndicator(backplane);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class MetersConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RedisBackplaneMeterBinder pubsubclubRedisBackplaneMeterBinder(RedisBackplane backplane) {
			return new RedisBackplaneMeterBinder(backplane);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	static class EndpointConfiguration {

		// the endpoint is the starter's or the application's; it shows the backplane
		// once every singleton exists
		@Bean
		SmartInitializingSingleton pubsubclubRedisBackplaneEndpointPart(ObjectProvider<PubSubClubEndpoint> endpoint,
				RedisBackplane backplane) {
			return () -> endpoint.ifAvailable((it) -> it.setRedisBackplane(backplane::state));
		}

	}

}
