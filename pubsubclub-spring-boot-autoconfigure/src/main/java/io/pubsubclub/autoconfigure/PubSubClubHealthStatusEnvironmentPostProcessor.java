package io.pubsubclub.autoconfigure;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds {@code DEGRADED}, the status of the {@code pubsubclub} health indicator, to the
 * default health status order, between {@code OUT_OF_SERVICE} and {@code UP}. Boot ranks
 * a status missing from the order above all others, so without this a node whose
 * cluster links are down would report {@code DEGRADED} even while another component is
 * {@code DOWN}. Added as the lowest-precedence property source: any
 * {@code management.endpoint.health.status.order} the application sets wins.
 *
 * @author PubSubClub
 */
final class PubSubClubHealthStatusEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "pubsubclubHealthStatusDefaults";

	static final String STATUS_ORDER = "management.endpoint.health.status.order";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME,
						Map.of(STATUS_ORDER, "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")));
		}
	}

}
