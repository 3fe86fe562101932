package io.pubsubclub.autoconfigure;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Warns, once the context's singletons exist, about cluster settings given to a node that
 * plays no cluster role (created only then): they have no effect, and the likely cause is
 * a missing {@code pubsubclub.producer.enabled} / {@code pubsubclub.consumer.enabled}.
 * Reads the property sources rather than the bound properties, so that a setting given
 * with its default value (an explicit {@code pubsubclub.discovery.enabled=true}) counts.
 *
 * @author PubSubClub
 */
final class UnusedClusterSettings implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UnusedClusterSettings.class);

	/**
	 * Settings that only the cluster roles use.
	 */
	private static final List<ConfigurationPropertyName> CLUSTER_SETTINGS = List.of(
			ConfigurationPropertyName.of("pubsubclub.peers"), ConfigurationPropertyName.of("pubsubclub.server"),
			ConfigurationPropertyName.of("pubsubclub.link"), ConfigurationPropertyName.of("pubsubclub.discovery"),
			ConfigurationPropertyName.of("pubsubclub.node-id"),
			ConfigurationPropertyName.of("pubsubclub.producer.mode"),
			ConfigurationPropertyName.of("pubsubclub.consumer.mode"));

	/**
	 * Turning discovery off says nothing about the roles.
	 */
	private static final ConfigurationPropertyName DISCOVERY_ENABLED = ConfigurationPropertyName
		.of("pubsubclub.discovery.enabled");

	/**
	 * The Redis backplane sends the node id with its publishes.
	 */
	private static final ConfigurationPropertyName NODE_ID = ConfigurationPropertyName.of("pubsubclub.node-id");

	private final Environment environment;

	UnusedClusterSettings(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Set<String> given = given();
		if (!given.isEmpty() && logger.isWarnEnabled()) {
			logger.warn("No PubSubClub cluster role is enabled, so this node takes part in no cluster, yet cluster "
					+ "settings are given: " + String.join(", ", given) + ". Set pubsubclub.producer.enabled=true "
					+ "and/or pubsubclub.consumer.enabled=true (the usual layout: both, on every node) to join the "
					+ "cluster, or remove those settings.");
		}
	}

	/**
	 * The cluster settings given in any property source, indexes left out
	 * ({@code pubsubclub.peers} for {@code pubsubclub.peers[0]}), in order.
	 */
	Set<String> given() {
		Set<String> given = new TreeSet<>();
		boolean redis = this.environment.getProperty("pubsubclub.redis.enabled", Boolean.class, false);
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(this.environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream()
					.filter((name) -> isClusterSetting(source, name) && !(redis && NODE_ID.equals(name)))
					.map(UnusedClusterSettings::withoutIndex)
					.forEach((name) -> given.add(name.toString()));
			}
		}
		return given;
	}

	private static boolean isClusterSetting(ConfigurationPropertySource source, ConfigurationPropertyName name) {
		if (CLUSTER_SETTINGS.stream().noneMatch((setting) -> setting.equals(name) || setting.isAncestorOf(name))) {
			return false;
		}
		if (DISCOVERY_ENABLED.equals(name)) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			return property == null || !"false".equalsIgnoreCase(String.valueOf(property.getValue()).trim());
		}
		return true;
	}

	private static ConfigurationPropertyName withoutIndex(ConfigurationPropertyName name) {
		for (int i = 0; i < name.getNumberOfElements(); i++) {
			if (name.isNumericIndex(i)) {
				return name.chop(i);
			}
		}
		return name;
	}

}
