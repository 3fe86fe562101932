package io.pubsubclub.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnusedClusterSettingsAutoConfiguration}: the WARN at start for cluster
 * settings given to a node that plays no cluster role.
 */
@ExtendWith(OutputCaptureExtension.class)
class UnusedClusterSettingsAutoConfigurationTests {

	private static final String WARNING = "No PubSubClub cluster role is enabled";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UnusedClusterSettingsAutoConfiguration.class));

	@Test
	void peersAndClusterPortWithNoRoleAreNamedInOneWarningThatSaysWhichPropertiesToSet(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.peers[0]=10.0.0.2:19000", "pubsubclub.peers[1]=10.0.0.3:19000",
				"pubsubclub.server.port=19000")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(UnusedClusterSettings.class);
				assertThat(output).containsOnlyOnce(WARNING);
				String line = output.getOut().lines().filter((l) -> l.contains(WARNING)).findFirst().orElseThrow();
				assertThat(line).contains("WARN")
					.contains("cluster settings are given: pubsubclub.peers, pubsubclub.server.port.")
					.contains("pubsubclub.producer.enabled=true")
					.contains("pubsubclub.consumer.enabled=true")
					.doesNotContain("10.0.0.2");
			});
	}

	@Test
	void anApplicationStartedWithPeersAndAClusterPortButNoRoleLogsTheWarning(CapturedOutput output) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "pubsubclub.peers=127.0.0.1:19002", "pubsubclub.server.port=19001")
			.run()) {
			assertThat(output).containsOnlyOnce(WARNING).contains("given: pubsubclub.peers, pubsubclub.server.port.");
		}
	}

	@Test
	void theNodeIdIsNotUnusedWhenTheRedisBackplaneSendsIt(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.redis.enabled=true", "pubsubclub.node-id=7")
			.run((context) -> assertThat(output).doesNotContain(WARNING));
		this.runner.withPropertyValues("pubsubclub.node-id=7")
			.run((context) -> assertThat(output).contains(WARNING).contains("given: pubsubclub.node-id."));
	}

	@Test
	void discoveryConfiguredWithNoRoleIsWarnedAbout(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.discovery.enabled=true", "pubsubclub.discovery.service-id=chat")
			.run((context) -> assertThat(output).contains(WARNING)
				.contains("given: pubsubclub.discovery.enabled, pubsubclub.discovery.service-id."));
	}

	@Test
	void aModeWithoutItsRoleIsWarnedAbout(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.consumer.mode=server")
			.run((context) -> assertThat(output).contains(WARNING).contains("given: pubsubclub.consumer.mode."));
	}

	@Test
	void settingsFromTheEnvironmentCountAsWell(CapturedOutput output) {
		this.runner.withSystemProperties("pubsubclub.node-id=7")
			.run((context) -> assertThat(output).contains(WARNING).contains("given: pubsubclub.node-id."));
	}

	@Test
	void noWarningWithoutClusterSettings(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.wamp.path=/ws", "pubsubclub.producer.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(UnusedClusterSettings.class);
				assertThat(output).doesNotContain(WARNING);
			});
	}

	@Test
	void noWarningForDiscoveryTurnedOff(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.discovery.enabled=false")
			.run((context) -> assertThat(output).doesNotContain(WARNING));
	}

	@Test
	void noWarningAndNoBeanOnceARoleIsEnabled(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.peers=10.0.0.2:19000")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(UnusedClusterSettings.class);
				assertThat(output).doesNotContain(WARNING);
			});
		this.runner.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=19000")
			.run((context) -> assertThat(context).doesNotHaveBean(UnusedClusterSettings.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
