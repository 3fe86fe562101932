package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

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
import io.pubsubclub.wamp.auth.WampCraThrottle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for who a WAMP session is and what it may do: the
 * {@link WampAuthorizer} (by default WAMP-CRA permissions and the global topic rules),
 * WAMP-CRA when there are credentials (a {@link WampCraCredentials} bean, or users in
 * {@code pubsubclub.wamp.auth.users}), and with Spring Security on the class path the
 * caller's {@code Authentication} as the security context of procedures.
 *
 * @author PubSubClub
 */
@AutoConfiguration(before = WampServerAutoConfiguration.class,
		afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ WebSocketConfigurer.class, jakarta.websocket.Session.class })
@ConditionalOnBooleanProperty(name = "pubsubclub.wamp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class WampAuthAutoConfiguration {

	private static final String USERS = "pubsubclub.wamp.auth.users";

	@Bean
	@ConditionalOnMissingBean
	WampAuthMetrics wampAuthMetrics() {
		return new WampAuthMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	WampAuthorizer wampAuthorizer(PubSubClubProperties properties) {
		PubSubClubProperties.Topics topics = properties.getWamp().getTopics();
		return new DefaultWampAuthorizer(topics.getSubscribe(), topics.getPublish());
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnWampAuthUsersCondition.class)
	WampCraCredentials wampCraCredentials(PubSubClubProperties properties) {
		return new MapWampCraCredentials(credentials(properties.getWamp().getAuth().getUsers()));
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(WampCraCredentials.class)
	WampCraAuthenticator wampCraAuthenticator(WampCraCredentials credentials, ObjectProvider<JsonMapper> jsonMapper,
			WampAuthMetrics metrics, PubSubClubProperties properties) {
		PubSubClubProperties.Auth auth = properties.getWamp().getAuth();
		Duration failureDelay = PropertyChecks.notNegative("pubsubclub.wamp.auth.failure-delay",
				auth.getFailureDelay());
		if (auth.getMaxFailures() < 1) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.wamp.auth.max-failures",
					auth.getMaxFailures(), "Must be at least 1.");
		}
		WampCraAuthenticator authenticator = new WampCraAuthenticator(credentials,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), metrics);
		authenticator.setFailureDelay(failureDelay);
		authenticator.setMaxFailures(auth.getMaxFailures());
		authenticator.setThrottle(throttle(auth.getThrottle(), metrics));
		return authenticator;
	}

	static @Nullable WampCraThrottle throttle(PubSubClubProperties.Throttle throttle, WampAuthMetrics metrics) {
		if (!throttle.isEnabled()) {
			return null;
		}
		String prefix = "pubsubclub.wamp.auth.throttle.";
		if (throttle.getFailures() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + "failures", throttle.getFailures(),
					"Must be at least 1.");
		}
		if (throttle.getMaxTracked() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + "max-tracked", throttle.getMaxTracked(),
					"Must be at least 1.");
		}
		Duration initialDelay = PropertyChecks.positive(prefix + "initial-delay", throttle.getInitialDelay());
		Duration maxDelay = PropertyChecks.positive(prefix + "max-delay", throttle.getMaxDelay());
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new InvalidConfigurationPropertyValueException(prefix + "max-delay", maxDelay,
					"Must not be shorter than " + prefix + "initial-delay.");
		}
		return new WampCraThrottle(throttle.getFailures(), PropertyChecks.positive(prefix + "window", throttle.getWindow()),
				initialDelay, maxDelay, throttle.getMaxTracked(), metrics);
	}

	static Map<String, WampCraCredential> credentials(Map<String, PubSubClubProperties.User> users) {
		Map<String, WampCraCredential> credentials = new LinkedHashMap<>();
		users.forEach((authKey, user) -> {
			String property = USERS + "[" + authKey + "]";
			String secret = user.getSecret();
			if (secret == null || secret.isEmpty()) {
				// never the value: it is a secret (here, absent anyway)
				throw new InvalidConfigurationPropertyValueException(property + ".secret", null,
						"Must be set: the secret, or with a salt the derived key.");
			}
			WampCraPermissions permissions = WampCraPermissions.fromPatterns(
					PropertyChecks.topicPatterns(property + ".subscribe", user.getSubscribe()),
					PropertyChecks.topicPatterns(property + ".publish", user.getPublish()),
					PropertyChecks.topicPatterns(property + ".call", user.getCall()));
			String salt = user.getSalt();
			if (salt == null) {
				credentials.put(authKey, WampCraCredential.ofSecret(secret, permissions));
				return;
			}
			if (salt.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(property + ".salt", salt,
						"Must not be empty when set.");
			}
			if (user.getIterations() < 1) {
				throw new InvalidConfigurationPropertyValueException(property + ".iterations", user.getIterations(),
						"Must be at least 1.");
			}
			if (user.getKeylen() < 1) {
				throw new InvalidConfigurationPropertyValueException(property + ".keylen", user.getKeylen(),
						"Must be at least 1.");
			}
			credentials.put(authKey,
					WampCraCredential.ofDerivedKey(secret, salt, user.getIterations(), user.getKeylen(), permissions));
		});
		return credentials;
	}

	static void validateTimeout(PubSubClubProperties.Auth auth) {
		if (auth.getTimeout() != null) {
			PropertyChecks.positive("pubsubclub.wamp.auth.timeout", auth.getTimeout());
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SecurityContextHolder.class)
	static class SecurityContextConfiguration {

		@Bean
		@ConditionalOnMissingBean
		WampCallInterceptor wampCallInterceptor() {
			return new SecurityContextWampCallInterceptor();
		}

	}

}
