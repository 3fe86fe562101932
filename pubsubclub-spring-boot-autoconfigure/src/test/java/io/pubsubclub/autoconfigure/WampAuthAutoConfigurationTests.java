package io.pubsubclub.autoconfigure;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.pubsubclub.wamp.WampSession;
import io.pubsubclub.wamp.auth.DefaultWampAuthorizer;
import io.pubsubclub.wamp.auth.MapWampCraCredentials;
import io.pubsubclub.wamp.auth.SecurityContextWampCallInterceptor;
import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthorizer;
import io.pubsubclub.wamp.auth.WampCallInterceptor;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import io.pubsubclub.wamp.auth.WampCraCredential;
import io.pubsubclub.wamp.auth.WampCraCredentials;
import io.pubsubclub.wamp.auth.WampCraPermissions;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link WampAuthAutoConfiguration}.
 */
class WampAuthAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WampAuthAutoConfiguration.class, WampServerAutoConfiguration.class));

	@Test
	void withoutCredentialsThereIsAnAuthorizerButNoWampCra() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DefaultWampAuthorizer.class)
				.hasSingleBean(WampAuthMetrics.class)
				.doesNotHaveBean(WampCraCredentials.class)
				.doesNotHaveBean(WampCraAuthenticator.class);
		});
	}

	@Test
	void usersInPropertiesGiveCredentialsAndWampCra() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=s3cret",
					"pubsubclub.wamp.auth.users.joe.subscribe=http://x/chat#*",
					"pubsubclub.wamp.auth.users.joe.call=http://x/rpc#add",
					"pubsubclub.wamp.auth.users[ann@example.com].secret=derived==",
					"pubsubclub.wamp.auth.users[ann@example.com].salt=pepper",
					"pubsubclub.wamp.auth.users[ann@example.com].iterations=1000")
			.run((context) -> {
				assertThat(context).hasSingleBean(MapWampCraCredentials.class).hasSingleBean(WampCraAuthenticator.class);
				WampCraCredentials credentials = context.getBean(WampCraCredentials.class);
				WampCraCredential joe = credentials.find("joe", Map.of()).toCompletableFuture().join();
				assertThat(joe.isSalted()).isFalse();
				assertThat(joe.getPermissions()).isEqualTo(WampCraPermissions.fromPatterns(
						java.util.List.of("http://x/chat#*"), java.util.List.of(), java.util.List.of("http://x/rpc#add")));
				WampCraCredential ann = credentials.find("ann@example.com", Map.of()).toCompletableFuture().join();
				assertThat(ann.isSalted()).isTrue();
				assertThat(ann.toString()).doesNotContain("derived");
				assertThat(credentials.find("nobody", Map.of()).toCompletableFuture().join()).isNull();
			});
	}

	@Test
	void aUserWithoutSecretFailsTheStartNamingTheProperty() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.auth.users.joe.subscribe=http://x/chat")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.wamp.auth.users[joe].secret")
				.hasMessageContaining("Must be set"));
	}

	@Test
	void badSaltedUserSettingsFailTheStartNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=k", "pubsubclub.wamp.auth.users.joe.salt=s",
					"pubsubclub.wamp.auth.users.joe.iterations=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.wamp.auth.users[joe].iterations")
				.hasMessageContaining("Must be at least 1"));
	}

	@Test
	void badLimitsFailTheStartNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=k", "pubsubclub.wamp.auth.max-failures=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.wamp.auth.max-failures"));
		this.contextRunner.withPropertyValues("pubsubclub.wamp.auth.timeout=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.wamp.auth.timeout")
				.hasMessageContaining("Must be a positive duration"));
	}

	@Test
	void badPatternsAndTheSecretFailTheStartWithoutShowingTheSecret() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=very-secret",
					"pubsubclub.wamp.auth.users.joe.call=http://x/*/y")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.wamp.auth.users[joe].call[0]")
				.hasMessageNotContaining("very-secret"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "pubsubclub.wamp.auth.failure-delay, -1ms", "pubsubclub.wamp.auth.max-failures, 0",
			"pubsubclub.wamp.auth.users.joe.iterations, 0", "pubsubclub.wamp.auth.users.joe.keylen, -1",
			"pubsubclub.wamp.auth.users.joe.salt, ''", "pubsubclub.wamp.auth.users.joe.subscribe, http://x/*/y",
			"pubsubclub.wamp.auth.users.joe.publish, a*b*", "pubsubclub.wamp.auth.users.joe.call, *x" })
	void badAuthSettingFailsStartUpNamingIt(String property, String value) {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=k", "pubsubclub.wamp.auth.users.joe.salt=s",
					property + "=" + value)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property.replace("users.joe", "users[joe]")));
	}

	@Test
	void credentialsBeanOfTheApplicationReplacesTheProperties() {
		this.contextRunner.withUserConfiguration(OwnCredentials.class)
			.withPropertyValues("pubsubclub.wamp.auth.users.joe.secret=s3cret")
			.run((context) -> {
				assertThat(context).hasSingleBean(WampCraCredentials.class)
					.doesNotHaveBean(MapWampCraCredentials.class)
					.hasSingleBean(WampCraAuthenticator.class);
			});
	}

	@Test
	void authorizerOfTheApplicationReplacesTheDefault() {
		this.contextRunner.withUserConfiguration(OwnAuthorizer.class).run((context) -> {
			assertThat(context).hasSingleBean(WampAuthorizer.class).doesNotHaveBean(DefaultWampAuthorizer.class);
		});
	}

	@Test
	void springSecurityGivesProceduresTheCallersSecurityContext() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(SecurityContextWampCallInterceptor.class));
		this.contextRunner.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WampCallInterceptor.class));
	}

	@Test
	void nothingWhenTheWampServerIsOff() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.enabled=false",
				"pubsubclub.wamp.auth.users.joe.secret=s3cret")
			.run((context) -> assertThat(context).doesNotHaveBean(WampAuthorizer.class)
				.doesNotHaveBean(WampCraAuthenticator.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCredentials {

		@Bean
		WampCraCredentials ownCredentials() {
			return (authKey, extra) -> CompletableFuture.completedFuture(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnAuthorizer {

		@Bean
		WampAuthorizer ownAuthorizer() {
			return new WampAuthorizer() {

				@Override
				public boolean maySubscribe(WampSession session, String topic) {
					return false;
				}

				@Override
				public boolean mayPublish(WampSession session, String topic) {
					return false;
				}

				@Override
				public boolean mayCall(WampSession session, String procedure) {
					return false;
				}

			};
		}

	}

}
