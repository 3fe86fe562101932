package io.pubsubclub.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PubSubClubHealthStatusEnvironmentPostProcessor}.
 */
class PubSubClubHealthStatusEnvironmentPostProcessorTests {

	private final PubSubClubHealthStatusEnvironmentPostProcessor processor = new PubSubClubHealthStatusEnvironmentPostProcessor();

	@Test
	void degradedRanksBetweenOutOfServiceAndUp() {
		StandardEnvironment environment = new StandardEnvironment();
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(order(environment)).containsExactly("DOWN", "OUT_OF_SERVICE", "DEGRADED", "UP", "UNKNOWN");
	}

	@Test
	void theApplicationsOrderWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app",
					Map.of("management.endpoint.health.status.order[0]", "DEGRADED",
							"management.endpoint.health.status.order[1]", "DOWN")));
		this.processor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(order(environment)).containsExactly("DEGRADED", "DOWN");
	}

	private static List<String> order(StandardEnvironment environment) {
		return Binder.get(environment)
			.bind("management.endpoint.health.status.order", Bindable.listOf(String.class))
			.get();
	}

}
