package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.discovery.LocalNode;
import io.pubsubclub.discovery.PeerRegistrar;
import io.pubsubclub.discovery.RegistrationMetadataAnnouncer;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.ConditionalOnDiscoveryEnabled;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for finding cluster servers through
 * a Spring Cloud {@link DiscoveryClient}: a {@link DiscoveryPeerWatcher} that hands the
 * nodes of the service to the cluster's client side, and a
 * {@link RegistrationMetadataAnnouncer} that puts this node's cluster port and node id
 * into its own registration.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "org.springframework.cloud.client.CommonsClientAutoConfiguration",
		"org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
		"org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration" })
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
	@ConditionalOnBean(PeerRegistrar.class)
	DiscoveryPeerWatcher pubSubClubDiscoveryPeerWatcher(DiscoveryClient discoveryClient, PeerRegistrar registrar,
			ObjectProvider<LocalNode> localNode, PubSubClubProperties properties, Environment environment) {
		PubSubClubProperties.Discovery discovery = properties.getDiscovery();
		Duration refreshInterval = discovery.getRefreshInterval();
		if (refreshInterval.isNegative() || refreshInterval.isZero()) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.discovery.refresh-interval",
					refreshInterval, "must be positive");
		}
		Duration debounce = discovery.getDebounce();
		if (debounce.isNegative()) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.discovery.debounce", debounce,
					"must not be negative");
		}
		LocalNode node = localNode.getIfAvailable();
		return new DiscoveryPeerWatcher(discoveryClient, serviceId(discovery, environment), registrar,
				(node != null) ? node::nodeId : null, refreshInterval, debounce);
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
		@ConditionalOnBean(LocalNode.class)
		RegistrationMetadataAnnouncer pubSubClubRegistrationMetadataAnnouncer(
				ObjectProvider<Registration> registrations, LocalNode localNode, ListableBeanFactory beanFactory) {
			return new RegistrationMetadataAnnouncer(registrations, () -> registryMetadata(beanFactory), localNode);
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

}
