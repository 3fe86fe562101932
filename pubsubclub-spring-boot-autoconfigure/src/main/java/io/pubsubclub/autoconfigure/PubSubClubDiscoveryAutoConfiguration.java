package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterPeers;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.discovery.EarlyDeregistration;
import io.pubsubclub.discovery.LocalNode;
import io.pubsubclub.discovery.PeerRegistrar;
import io.pubsubclub.discovery.RegistrationMetadataAnnouncer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for finding cluster servers through
 * a Spring Cloud {@link DiscoveryClient}: a {@link DiscoveryPeerWatcher} that hands the
 * nodes of the service to the cluster's client connector (or to a user's
 * {@link PeerRegistrar}), a {@link RegistrationMetadataAnnouncer} that puts this
 * node's cluster port and node id into its own registration, and an
 * {@link EarlyDeregistration} that takes that registration out of the registry before
 * the node's servers stop.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "org.springframework.cloud.client.CommonsClientAutoConfiguration",
		"org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
		"org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
		"io.pubsubclub.autoconfigure.ClusterAutoConfiguration" })
@ConditionalOnClass(DiscoveryClient.class)
@ConditionalOnDiscoveryEnabled
@ConditionalOnBooleanProperty(name = "pubsubclub.discovery.enabled", matchIfMissing = true)
@ConditionalOnBean(DiscoveryClient.class)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class PubSubClubDiscoveryAutoConfiguration {

	/**
	 * Service name Spring Cloud registers under when "spring.application.name" is not
	 * set.
	 */
	private static final String DEFAULT_SERVICE_ID = "application";

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnPeerTargetCondition.class)
	DiscoveryPeerWatcher pubSubClubDiscoveryPeerWatcher(DiscoveryClient discoveryClient,
			ObjectProvider<PeerRegistrar> registrar, ObjectProvider<ClusterPeers> clusterPeers,
			ObjectProvider<LocalNode> localNode, ObjectProvider<ClusterNode> clusterNode,
			PubSubClubProperties properties, Environment environment) {
		PubSubClubProperties.Discovery discovery = properties.getDiscovery();
		Duration refreshInterval = PropertyChecks.atLeast("pubsubclub.discovery.refresh-interval",
				discovery.getRefreshInterval(), PropertyChecks.MIN_REFRESH_INTERVAL);
		Duration debounce = PropertyChecks.notNegative("pubsubclub.discovery.debounce", discovery.getDebounce());
		PeerRegistrar target = registrar.getIfAvailable(() -> new ClusterPeerRegistrar(clusterPeers.getObject(),
				new HashSet<>(ClusterAutoConfiguration.peers(properties))));
		LocalNode node = localNode(localNode, clusterNode);
		return new DiscoveryPeerWatcher(discoveryClient, serviceId(discovery, environment), target, node,
				refreshInterval, debounce);
	}

	private static @Nullable LocalNode localNode(ObjectProvider<LocalNode> localNode,
			ObjectProvider<ClusterNode> clusterNode) {
		LocalNode node = localNode.getIfAvailable();
		if (node != null) {
			return node;
		}
		ClusterNode cluster = clusterNode.getIfAvailable();
		return (cluster != null) ? new ClusterLocalNode(cluster) : null;
	}

	private static String serviceId(PubSubClubProperties.Discovery discovery, Environment environment) {
		String serviceId = discovery.getServiceId();
		if (serviceId != null) {
			if (!StringUtils.hasText(serviceId)) {
				throw new InvalidConfigurationPropertyValueException("pubsubclub.discovery.service-id", serviceId,
						"must not be blank");
			}
			return serviceId;
		}
		return environment.getProperty("spring.application.name", DEFAULT_SERVICE_ID);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Registration.class, WebServerInitializedEvent.class })
	static class RegistrationMetadataConfiguration {

		private static final String ZOOKEEPER_DISCOVERY_PROPERTIES = "org.springframework.cloud.zookeeper.discovery.ZookeeperDiscoveryProperties";

		@Bean
		@ConditionalOnMissingBean
		@Conditional(OnLocalNodeCondition.class)
		RegistrationMetadataAnnouncer pubSubClubRegistrationMetadataAnnouncer(
				ObjectProvider<Registration> registrations, ObjectProvider<LocalNode> localNode,
				ObjectProvider<ClusterNode> clusterNode, ListableBeanFactory beanFactory) {
			LocalNode node = localNode(localNode, clusterNode);
			Assert.state(node != null, "No LocalNode or ClusterNode");
			return new RegistrationMetadataAnnouncer(registrations, () -> registryMetadata(beanFactory), node);
		}

		/**
		 * Looks the auto-registrations up when the node stops rather than requiring one
		 * with {@code @ConditionalOnBean}: that would need this auto-configuration ordered
		 * after every registry's, and ordering it after Consul's pulls that ahead of
		 * Spring Cloud Commons' {@code AutoServiceRegistrationAutoConfiguration}, whose
		 * properties bean Consul's needs, so the node would not register at all.
		 */
		@Bean
		@ConditionalOnMissingBean
		@Conditional(OnLocalNodeCondition.class)
		EarlyDeregistration pubSubClubEarlyDeregistration(
				ObjectProvider<AbstractAutoServiceRegistration<?>> registrations) {
			return new EarlyDeregistration(registrations);
		}

		/**
		 * Spring Cloud ZooKeeper registers with the metadata map of its discovery
		 * properties, and its registration has no writable map of its own until it
		 * registers. Reached by name to keep ZooKeeper off the classpath.
		 */
		@SuppressWarnings("unchecked")
		private static List<Map<String, String>> registryMetadata(ListableBeanFactory beanFactory) {
			ClassLoader classLoader = beanFactory.getClass().getClassLoader();
			if (!ClassUtils.isPresent(ZOOKEEPER_DISCOVERY_PROPERTIES, classLoader)) {
				return List.of();
			}
			Class<?> type = ClassUtils.resolveClassName(ZOOKEEPER_DISCOVERY_PROPERTIES, classLoader);
			List<Map<String, String>> maps = new ArrayList<>();
			beanFactory.getBeanProvider(type).orderedStream().forEach((properties) -> {
				Object metadata = new BeanWrapperImpl(properties).getPropertyValue("metadata");
				if (metadata instanceof Map<?, ?> map) {
					maps.add((Map<String, String>) map);
				}
			});
			return maps;
		}

	}

	/**
	 * Somewhere to hand discovered peers: a user's {@link PeerRegistrar}, or the client
	 * connector of the cluster's role(s) in client mode.
	 */
	static final class OnPeerTargetCondition extends AnyNestedCondition {

		OnPeerTargetCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(PeerRegistrar.class)
		static final class UserRegistrar {

		}

		@ConditionalOnBean(ClusterPeers.class)
		static final class ClusterConnector {

		}

	}

	/**
	 * Something that knows this node's id and cluster port: a user's {@link LocalNode},
	 * or the cluster's {@link ClusterNode}.
	 */
	static final class OnLocalNodeCondition extends AnyNestedCondition {

		OnLocalNodeCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(LocalNode.class)
		static final class UserLocalNode {

		}

		@ConditionalOnBean(ClusterNode.class)
		static final class Cluster {

		}

	}

}
