package io.pubsubclub.discovery;

import java.net.URI;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.serviceregistry.Registration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RegistrationMetadataAnnouncer}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationMetadataAnnouncerTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void addsClusterPortAndNodeIdToTheRegistrationKeepingItsOwnEntries() {
		Map<String, String> metadata = new HashMap<>(Map.of("zone", "a"));
		this.beanFactory.registerSingleton("registration", registration(metadata));
		announcer(List.of(), 19000).announce();
		assertThat(metadata).containsOnly(Map.entry("zone", "a"), Map.entry("pubsubclub-port", "19000"),
				Map.entry("pubsubclub-node-id", "42"));
	}

	@Test
	void announcesNothingWithoutAClusterServer() {
		Map<String, String> metadata = new HashMap<>();
		this.beanFactory.registerSingleton("registration", registration(metadata));
		announcer(List.of(), null).announce();
		assertThat(metadata).isEmpty();
	}

	@Test
	void warnsWhenTheRegistrationTakesNoMetadata(CapturedOutput output) {
		this.beanFactory.registerSingleton("registration", registration(Collections.emptyMap()));
		announcer(List.of(), 19000).announce();
		assertThat(output.getOut()).contains("Cannot announce").contains("metadata properties");
	}

	@Test
	void announcesThroughTheRegistrysMetadataWhenTheRegistrationHasNoMapYet(CapturedOutput output) {
		Map<String, String> registry = new HashMap<>();
		this.beanFactory.registerSingleton("registration", registration(Collections.emptyMap()));
		announcer(List.of(registry), 19000).announce();
		assertThat(registry).containsEntry("pubsubclub-port", "19000").containsEntry("pubsubclub-node-id", "42");
		assertThat(output.getOut()).doesNotContain("Cannot announce");
	}

	private RegistrationMetadataAnnouncer announcer(List<Map<String, String>> registry, @Nullable Integer port) {
		return new RegistrationMetadataAnnouncer(this.beanFactory.getBeanProvider(Registration.class), () -> registry,
				new LocalNode() {

					@Override
					public long nodeId() {
						return 42;
					}

					@Override
					public @Nullable Integer clusterPort() {
						return port;
					}

				});
	}

	private static Registration registration(Map<String, String> metadata) {
		return new Registration() {

			@Override
			public String getServiceId() {
				return "pubsubclub";
			}

			@Override
			public String getHost() {
				return "127.0.0.1";
			}

			@Override
			public int getPort() {
				return 8080;
			}

			@Override
			public boolean isSecure() {
				return false;
			}

			@Override
			public URI getUri() {
				return URI.create("http://127.0.0.1:8080");
			}

			@Override
			public Map<String, String> getMetadata() {
				return metadata;
			}

		};
	}

}
