package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

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
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
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
		WampCraAuthenticator authenticator = new WampCraAuthenticator(credentials,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()), metrics);
		if (auth.getFailureDelay().isNegative()) {
			authenticator.close();
			throw new IllegalArgumentException("pubsubclub.wamp.auth.failure-delay must not be negative, was "
					+ auth.getFailureDelay());
		}
		if (auth.getMaxFailures() < 1) {
			authenticator.close();
			throw new IllegalArgumentException(
					"pubsubclub.wamp.auth.max-failures must be at least 1, was " + auth.getMaxFailures());
		}
		authenticator.setFailureDelay(auth.getFailureDelay());
		authenticator.setMaxFailures(auth.getMaxFailures());
		return authenticator;
	}

	static Map<String, WampCraCredential> credentials(Map<String, PubSubClubProperties.User> users) {
		Map<String, WampCraCredential> credentials = new LinkedHashMap<>();
		users.forEach((authKey, user) -> {
			String property = USERS + "[" + authKey + "]";
			String secret = user.getSecret();
			if (secret == null || secret.isEmpty()) {
				throw new IllegalArgumentException(property + ".secret must be set");
			}
			WampCraPermissions permissions;
			try {
				permissions = WampCraPermissions.fromPatterns(user.getSubscribe(), user.getPublish(), user.getCall());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(property + ": subscribe, publish and call patterns must not be empty");
			}
			String salt = user.getSalt();
			if (salt == null) {
				credentials.put(authKey, WampCraCredential.ofSecret(secret, permissions));
				return;
			}
			if (salt.isEmpty()) {
				throw new IllegalArgumentException(property + ".salt must not be empty when set");
			}
			if (user.getIterations() < 1) {
				throw new IllegalArgumentException(
						property + ".iterations must be at least 1, was " + user.getIterations());
			}
			if (user.getKeylen() < 1) {
				throw new IllegalArgumentException(property + ".keylen must be at least 1, was " + user.getKeylen());
			}
			credentials.put(authKey,
					WampCraCredential.ofDerivedKey(secret, salt, user.getIterations(), user.getKeylen(), permissions));
		});
		return credentials;
	}

	static void validateTimeout(PubSubClubProperties.Auth auth) {
		Duration timeout = auth.getTimeout();
		if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
			throw new IllegalArgumentException("pubsubclub.wamp.auth.timeout must be positive, was " + timeout);
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
