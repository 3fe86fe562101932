package io.pubsubclub.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import io.lettuce.core.RedisClient;

import io.pubsubclub.redis.RedisBackplane;
import io.pubsubclub.redis.RedisBackplaneSettings;
import io.pubsubclub.wamp.event.LocalSubscribers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.RedisNode;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link RedisBackplane Redis backplane}: events between
 * nodes through the application's Redis (Boot's {@code spring.data.redis.*} and its
 * Lettuce {@link RedisConnectionFactory}) instead of the cluster mesh. Active with
 * {@code pubsubclub.redis.enabled=true}, Spring Data Redis and Lettuce on the class path,
 * and a {@link LocalSubscribers} (the WAMP server); refuses to start next to a cluster
 * role or peers.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "io.pubsubclub.autoconfigure.WampServerAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
@ConditionalOnClass({ LettuceConnectionFactory.class, RedisClient.class })
@ConditionalOnBooleanProperty("pubsubclub.redis.enabled")
@ConditionalOnBean(LocalSubscribers.class)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class RedisBackplaneAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisBackplane pubsubclubRedisBackplane(PubSubClubProperties properties, LocalSubscribers localSubscribers,
			ObjectProvider<RedisConnectionFactory> connectionFactory, ApplicationEventPublisher eventPublisher) {
		checkNoMesh(properties);
		RedisBackplaneSettings settings = settings(properties);
		RedisConnectionFactory factory = connectionFactory.getIfAvailable();
		if (!(factory instanceof LettuceConnectionFactory lettuce)) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.enabled", true,
					(factory == null) ? "The Redis backplane needs a Lettuce RedisConnectionFactory: add "
							+ "spring-boot-starter-data-redis and configure spring.data.redis.*"
							: "The Redis backplane needs Lettuce, not " + factory.getClass().getSimpleName()
									+ " (spring.data.redis.client-type=lettuce)");
		}
		if (settings.mode() == io.pubsubclub.redis.RedisMode.SHARDED && !lettuce.isClusterAware()) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.mode", "sharded",
					"Sharded pub/sub needs a Redis Cluster (spring.data.redis.cluster.nodes); use "
							+ "pubsubclub.redis.mode=pubsub with a single Redis or Sentinel.");
		}
		return new RedisBackplane(ClusterAutoConfiguration.nodeId(properties), settings, localSubscribers,
				lettuce::getRequiredNativeClient, endpoint(lettuce), eventPublisher);
	}

	static void checkNoMesh(PubSubClubProperties properties) {
		List<String> mesh = new ArrayList<>();
		if (properties.getProducer().isEnabled()) {
			mesh.add("pubsubclub.producer.enabled=true");
		}
		if (properties.getConsumer().isEnabled()) {
			mesh.add("pubsubclub.consumer.enabled=true");
		}
		if (!properties.getPeers().isEmpty()) {
			mesh.add("pubsubclub.peers");
		}
		if (!mesh.isEmpty()) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.enabled", true,
					"The Redis backplane replaces the cluster mesh and cannot be combined with "
							+ String.join(", ", mesh) + ": turn those off, or pubsubclub.redis.enabled.");
		}
	}

	static RedisBackplaneSettings settings(PubSubClubProperties properties) {
		PubSubClubProperties.Redis redis = properties.getRedis();
		PubSubClubProperties.RedisHistory history = redis.getHistory();
		if (redis.getMaxPending() <= 0) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.max-pending",
					redis.getMaxPending(), "Must be positive.");
		}
		if (history.getMaxLen() <= 0) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.history.max-len",
					history.getMaxLen(), "Must be positive.");
		}
		PropertyChecks.positive("pubsubclub.redis.history.max-age", history.getMaxAge());
		if (redis.getChannelPrefix().indexOf('{') >= 0 || redis.getChannelPrefix().indexOf('}') >= 0) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.redis.channel-prefix",
					redis.getChannelPrefix(), "Must not hold braces: the topic in braces is the Redis Cluster hash tag.");
		}
		return new RedisBackplaneSettings(redis.getMode(), redis.getChannelPrefix(), redis.getMaxPending(),
				history.isEnabled(), history.getMaxLen(), history.getMaxAge());
	}

	// where Redis is, without credentials
	static String endpoint(LettuceConnectionFactory factory) {
		String tls = factory.isUseSsl() ? " (TLS)" : "";
		if (factory.isClusterAware() && factory.getClusterConfiguration() != null) {
			return "cluster " + factory.getClusterConfiguration()
				.getClusterNodes()
				.stream()
				.map(RedisBackplaneAutoConfiguration::address)
				.collect(Collectors.joining(",")) + tls;
		}
		if (factory.isRedisSentinelAware() && factory.getSentinelConfiguration() != null) {
			var sentinel = factory.getSentinelConfiguration();
			return "sentinel master " + ((sentinel.getMaster() != null) ? sentinel.getMaster().getName() : "?")
					+ " via " + sentinel.getSentinels()
						.stream()
						.map(RedisBackplaneAutoConfiguration::address)
						.collect(Collectors.joining(","))
					+ tls;
		}
		return factory.getHostName() + ":" + factory.getPort() + tls;
	}

	private static String address(RedisNode node) {
		return node.getHost() + ":" + node.getPort();
	}

}
