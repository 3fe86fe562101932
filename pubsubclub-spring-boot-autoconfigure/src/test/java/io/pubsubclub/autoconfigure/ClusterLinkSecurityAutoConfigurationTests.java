package io.pubsubclub.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pubsubclub.cluster.TestSubscribers;
import io.pubsubclub.cluster.transport.LinkSecurity;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Link security as {@link ClusterAutoConfiguration} sets it up from the properties, and
 * the start-up failures that name the property (never showing a secret).
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterLinkSecurityAutoConfigurationTests {

	private static final String SECRET = "a secret of sufficient length";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class, SslAutoConfiguration.class))
		.withUserConfiguration(SubscribersConfiguration.class)
		.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0",
				"pubsubclub.server.address=127.0.0.1");

	@Test
	void withoutASecretLinksAreNotAuthenticatedAndALoopbackServerDoesNotWarn(CapturedOutput output) {
		this.runner.run((context) -> {
			LinkSecurity.State state = context.getBean(LinkSecurity.class).state();
			assertThat(state.authenticated()).isFalse();
			assertThat(state.serverSslBundle()).isNull();
			assertThat(state.linkSslBundle()).isNull();
		});
		assertThat(output).doesNotContain("accepts links without authentication");
	}

	@Test
	void aSecretAndAcceptedSecretsAuthenticateLinks(CapturedOutput output) {
		this.runner.withPropertyValues("pubsubclub.link.secret=" + SECRET,
				"pubsubclub.link.accepted-secrets=older secret number one,another older secret")
			.run((context) -> {
				LinkSecurity.State state = context.getBean(LinkSecurity.class).state();
				assertThat(state.authenticated()).isTrue();
				assertThat(state.acceptedSecrets()).isEqualTo(3);
				assertThat(state.refusals()).containsOnlyKeys("missing", "malformed", "stale", "replayed", "bad-mac",
						"server-proof-wrong");
				assertThat(context.getBean(LinkSecurity.class).toString()).doesNotContain(SECRET);
			});
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void aShortSecretFailsNamingThePropertyWithoutShowingIt() {
		this.runner.withPropertyValues("pubsubclub.link.secret=fifteen bytes!!")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.link.secret")
				.hasMessageContaining("at least 16 bytes")
				.hasMessageContaining("(hidden, 15 bytes)")
				.hasMessageNotContaining("fifteen"));
	}

	@Test
	void anEmptySecretFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.link.secret=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.link.secret")
				.hasMessageContaining("(empty)"));
	}

	@Test
	void aShortAcceptedSecretFailsNamingItsIndex() {
		this.runner.withPropertyValues("pubsubclub.link.secret=" + SECRET,
				"pubsubclub.link.accepted-secrets[0]=another long enough secret", "pubsubclub.link.accepted-secrets[1]=tiny")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.link.accepted-secrets[1]")
				.hasMessageNotContaining("tiny"));
	}

	@Test
	void acceptedSecretsWithoutASecretFailNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.link.accepted-secrets=" + SECRET)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.link.accepted-secrets")
				.hasMessageContaining("need pubsubclub.link.secret")
				.hasMessageNotContaining(SECRET));
	}

	@Test
	void anUnknownServerBundleFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.server.ssl.bundle=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.ssl.bundle")
				.hasMessageContaining("No SSL bundle of that name"));
	}

	@Test
	void anUnknownLinkBundleFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.link.ssl.bundle=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.link.ssl.bundle"));
	}

	@Test
	void aBundleWithoutSslBundlesFailsNamingTheProperty() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class))
			.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0",
					"pubsubclub.server.ssl.bundle=cluster")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.ssl.bundle")
				.hasMessageContaining("No SSL bundles"));
	}

	@Test
	void clientAuthWithoutTlsFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.server.ssl.client-auth=need")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.ssl.client-auth")
				.hasMessageContaining("set pubsubclub.server.ssl.bundle"));
	}

	@Test
	void aServerBundleWithoutAKeyFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("spring.ssl.bundle.jks.trustonly.truststore.type=PKCS12",
					"pubsubclub.server.ssl.bundle=trustonly")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.ssl.bundle")
				.hasMessageContaining("no key store"));
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

}
