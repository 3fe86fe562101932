package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampProcedureRegistry;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;
import io.pubsubclub.wamp.Wamp2Settings;
import io.pubsubclub.wamp.WampUriMapping;
import io.pubsubclub.wamp.WampWebSocketHandler;
import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthorizer;
import io.pubsubclub.wamp.auth.WampCallInterceptor;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import org.springframework.beans.factory.annotation.Qualifier;
import io.pubsubclub.transport.TomcatUpgradeStrategy;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurationSupport;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the WAMPv1 server: a WebSocket endpoint at
 * {@code pubsubclub.wamp.path} on the application's own servlet server.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ WebSocketConfigurer.class, jakarta.websocket.Session.class })
@ConditionalOnBooleanProperty(name = "pubsubclub.wamp.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class WampServerAutoConfiguration {

	/**
	 * Name of the executor WAMP procedures run on; a bean of this name replaces it.
	 */
	public static final String CALL_EXECUTOR_BEAN_NAME = "wampCallExecutor";

	@Bean
	@ConditionalOnMissingBean
	WampServerMetrics wampServerMetrics() {
		return new WampServerMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	WampServer wampServer(ObjectProvider<JsonMapper> jsonMapper, ApplicationEventPublisher eventPublisher,
			WampServerMetrics metrics, PubSubClubProperties properties, ObjectProvider<WampAuthorizer> authorizer,
			ObjectProvider<WampAuthMetrics> authMetrics) {
		WampServer server = new WampServer(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				eventPublisher, metrics);
		server.setSubscribeTopics(PropertyChecks.topicPatterns("pubsubclub.wamp.topics.subscribe",
				properties.getWamp().getTopics().getSubscribe()));
		server.setPublishTopics(PropertyChecks.topicPatterns("pubsubclub.wamp.topics.publish",
				properties.getWamp().getTopics().getPublish()));
		server.setAuthorizer(authorizer.getIfAvailable());
		server.setAuthRequired(properties.getWamp().getAuth().isRequired());
		authMetrics.ifAvailable(server::setAuthMetrics);
		PubSubClubProperties.Limits limits = properties.getWamp().getLimits();
		String prefix = "pubsubclub.wamp.limits.";
		server.setMaxSubscriptionsPerSession(
				positive(limits.getSubscriptionsPerSession(), prefix + "subscriptions-per-session"));
		server.setMaxTopicLength(positive(limits.getTopicLength(), prefix + "topic-length"));
		server.setMaxTopics(positive(limits.getTopicsPerNode(), prefix + "topics-per-node"));
		server.setMaxPrefixesPerSession(positive(limits.getPrefixesPerSession(), prefix + "prefixes-per-session"));
		server.setMaxPrefixLength(positive(limits.getPrefixLength(), prefix + "prefix-length"));
		server.setMaxSessionIdsPerPublish(positive(limits.getSessionIdsPerPublish(), prefix + "session-ids-per-publish"));
		server.setMaxSessionIdLength(positive(limits.getSessionIdLength(), prefix + "session-id-length"));
		long publishRate = PropertyChecks.positive(prefix + "publish-rate", limits.getPublishRate());
		server.setPublishRate(publishRate);
		// bursts of a few publishers at once still fit a reader's send buffer
		server.setPublishBurst(Math.max(1, Math.min(publishRate, properties.getWamp().getSendBufferSize().toBytes() / 4)));
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	WampProcedureRegistry wampProcedureRegistry() {
		return new WampProcedureRegistry();
	}

	/**
	 * The executor WAMP procedures run on: bounded, so that no client can queue work
	 * without end, and not a default candidate, so that it never stands in for the
	 * application's own executor.
	 */
	@Bean(name = CALL_EXECUTOR_BEAN_NAME, defaultCandidate = false)
	@ConditionalOnMissingBean(name = CALL_EXECUTOR_BEAN_NAME)
	ThreadPoolTaskExecutor wampCallExecutor(PubSubClubProperties properties) {
		PubSubClubProperties.Calls calls = properties.getWamp().getCalls();
		ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
		int poolSize = positive(calls.getPoolSize(), "pubsubclub.wamp.calls.pool-size");
		executor.setCorePoolSize(poolSize);
		executor.setMaxPoolSize(poolSize);
		executor.setQueueCapacity(positive(calls.getQueueCapacity(), "pubsubclub.wamp.calls.queue-capacity"));
		executor.setThreadNamePrefix("wamp-call-");
		executor.setAllowCoreThreadTimeOut(true);
		return executor;
	}

	@Bean
	@ConditionalOnMissingBean
	WampWebSocketHandler wampWebSocketHandler(WampServer server, WampProcedureRegistry procedures,
			@Qualifier(CALL_EXECUTOR_BEAN_NAME) Executor callExecutor, PubSubClubProperties properties,
			ObjectProvider<WampCraAuthenticator> authenticator, ObjectProvider<WampCallInterceptor> callInterceptor) {
		PubSubClubProperties.Wamp wamp = properties.getWamp();
		WampWebSocketHandler handler = new WampWebSocketHandler(server, procedures, callExecutor);
		handler.setMaxCallsPerSession(
				positive(wamp.getLimits().getCallsPerSession(), "pubsubclub.wamp.limits.calls-per-session"));
		Duration callTimeout = wamp.getCallTimeout();
		handler.setCallTimeout(
				(callTimeout != null) ? PropertyChecks.positive("pubsubclub.wamp.call-timeout", callTimeout) : null);
		handler.setServerIdent(wamp.getServerIdent());
		handler.setMaxMessageSize(PropertyChecks.intSize("pubsubclub.wamp.max-message-size", wamp.getMaxMessageSize()));
		handler.setSendBufferSize(PropertyChecks.positive("pubsubclub.wamp.send-buffer-size", wamp.getSendBufferSize()));
		handler.setSendTimeLimit(PropertyChecks.positive("pubsubclub.wamp.send-time-limit", wamp.getSendTimeLimit()));
		handler.setIncludeStackTrace(wamp.isIncludeStackTrace());
		WampAuthAutoConfiguration.validateTimeout(wamp.getAuth());
		WampCraAuthenticator cra = authenticator.getIfAvailable();
		handler.setAuthenticator(cra);
		handler.setAuthTimeout(wamp.getAuth().getTimeout());
		if (cra == null && wamp.getAuth().getTimeout() != null) {
			LogFactory.getLog(WampServerAutoConfiguration.class)
				.warn("pubsubclub.wamp.auth.timeout has no effect without WAMP-CRA credentials "
						+ "(pubsubclub.wamp.auth.users or a WampCraCredentials bean)");
		}
		handler.setCallInterceptor(callInterceptor.getIfAvailable());
		handler.setV2(v2Settings(wamp.getV2()));
		return handler;
	}

	@Bean
	@ConditionalOnMissingBean(name = "wampWebSocketConfigurer")
	WebSocketConfigurer wampWebSocketConfigurer(WampWebSocketHandler handler, PubSubClubProperties properties,
			ObjectProvider<TomcatUpgradeStrategy> leanTransport) {
		PubSubClubProperties.Wamp wamp = properties.getWamp();
		String path = PropertyChecks.path("pubsubclub.wamp.path", wamp.getPath());
		TomcatUpgradeStrategy strategy = wamp.isCompression() ? null : leanTransport.getIfAvailable();
		return (registry) -> {
			WebSocketHandlerRegistration registration = registry.addHandler(handler, path);
			if (strategy != null) {
				registration.setHandshakeHandler(new DefaultHandshakeHandler(strategy));
			}
			registration.setAllowedOrigins(wamp.getAllowedOrigins().toArray(String[]::new));
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler")
	@ConditionalOnBooleanProperty(name = "pubsubclub.wamp.compression", havingValue = false, matchIfMissing = true)
	static class LeanTransportConfiguration {

		// long enough for a browser to answer a close frame; a peer that does not is cut
		private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(3);

		@Bean
		@ConditionalOnMissingBean
		TomcatUpgradeStrategy wampUpgradeStrategy(PubSubClubProperties properties) {
			PubSubClubProperties.Wamp wamp = properties.getWamp();
			// a message of n characters takes at most 3n bytes of UTF-8; the handler then
			// holds it to the limit in characters
			int maxChars = PropertyChecks.intSize("pubsubclub.wamp.max-message-size", wamp.getMaxMessageSize());
			long maxBytes = Math.min(3L * maxChars, Integer.MAX_VALUE - 64);
			return new TomcatUpgradeStrategy((int) maxBytes,
					PropertyChecks.positive("pubsubclub.wamp.send-buffer-size", wamp.getSendBufferSize()),
					PropertyChecks.positive("pubsubclub.wamp.send-time-limit", wamp.getSendTimeLimit()), CLOSE_TIMEOUT,
					PropertyChecks.positive("pubsubclub.wamp.idle-timeout", wamp.getIdleTimeout()),
					new StandardWebSocketUpgradeStrategy());
		}

	}

	private static @Nullable Wamp2Settings v2Settings(PubSubClubProperties.V2 v2) {
		if (!v2.isEnabled()) {
			return null;
		}
		String realm = v2.getRealm();
		if (realm == null || realm.isBlank() || realm.chars().anyMatch(Character::isWhitespace)
				|| realm.contains("#")) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.wamp.v2.realm", realm,
					"Must be a WAMP URI (no whitespace, no '#').");
		}
		try {
			return new Wamp2Settings(realm, new WampUriMapping(v2.getTopicPrefixes()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.wamp.v2.topic-prefixes",
					v2.getTopicPrefixes(), ex.getMessage());
		}
	}

	private static int positive(int value, String property) {
		if (value <= 0) {
			throw new InvalidConfigurationPropertyValueException(property, value, "Must be positive.");
		}
		return value;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(WebSocketConfigurationSupport.class)
	@EnableWebSocket
	static class EnableWebSocketConfiguration {

	}

}
