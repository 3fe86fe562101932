package io.pubsubclub.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.cluster.TestSubscribers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad settings fail start-up with a message that names the property.
 */
class PropertyValidationTests {

	private final WebApplicationContextRunner wamp = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WampServerAutoConfiguration.class));

	private final ApplicationContextRunner cluster = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class))
		.withUserConfiguration(SubscribersConfiguration.class)
		.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1");

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "pubsubclub.wamp.send-buffer-size, 0", "pubsubclub.wamp.send-buffer-size, -1KB",
			"pubsubclub.wamp.send-time-limit, 0s", "pubsubclub.wamp.send-time-limit, -1s",
			"pubsubclub.wamp.max-message-size, 0", "pubsubclub.wamp.path, wamp", "pubsubclub.wamp.path, ''",
			"pubsubclub.wamp.limits.subscriptions-per-session, 0", "pubsubclub.wamp.limits.topic-length, -1",
			"pubsubclub.wamp.limits.topics-per-node, 0", "pubsubclub.wamp.limits.prefixes-per-session, 0",
			"pubsubclub.wamp.limits.prefix-length, 0", "pubsubclub.wamp.limits.calls-per-session, 0",
			"pubsubclub.wamp.limits.publish-rate, 0", "pubsubclub.wamp.calls.pool-size, 0",
			"pubsubclub.wamp.calls.queue-capacity, 0", "pubsubclub.wamp.call-timeout, 0s",
			"pubsubclub.wamp.auth.timeout, 0s", "pubsubclub.wamp.auth.timeout, -1s" })
	void badWampSettingFailsStartUpNamingIt(String property, String value) {
		this.wamp.withPropertyValues(property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "pubsubclub.link.send-buffer-size, 0", "pubsubclub.link.send-buffer-size, -1B",
			"pubsubclub.link.send-time-limit, 0s", "pubsubclub.link.ping-interval, 0s",
			"pubsubclub.link.handshake-timeout, -1s", "pubsubclub.link.reconnect-delay, 0s",
			"pubsubclub.link.max-reconnect-delay, 0s", "pubsubclub.link.max-message-size, 0",
			"pubsubclub.link.forced-reconnect-interval, -1s",
			"pubsubclub.server.port, 65536", "pubsubclub.server.port, -1", "pubsubclub.node-id, -1",
			"pubsubclub.peers, h/x:1", "pubsubclub.peers, a@b:1", "pubsubclub.peers, host name:1" })
	void badClusterSettingFailsStartUpNamingIt(String property, String value) {
		this.cluster.withPropertyValues(property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property));
	}

	@Test
	void everyNodeIdALinkCarriesStartsAndALargerOneFailsNamingTheProperty() {
		this.cluster.withPropertyValues("pubsubclub.node-id=9223372036854775807", "pubsubclub.link.secret=sixteen bytes ok")
			.run((context) -> assertThat(context).hasNotFailed());
		this.cluster.withPropertyValues("pubsubclub.node-id=9223372036854775808")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("pubsubclub.node-id"));
	}

	@Test
	void goodSettingsStart() {
		this.cluster
			.withPropertyValues("pubsubclub.link.send-buffer-size=1B", "pubsubclub.link.forced-reconnect-interval=0s",
					"pubsubclub.peers=localhost:1,10.0.0.1:2,[::1]:3,node-2.cluster_a.example:4")
			.run((context) -> assertThat(context).hasNotFailed());
		this.wamp.withPropertyValues("pubsubclub.wamp.send-buffer-size=1B", "pubsubclub.wamp.send-time-limit=1ms")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

}
