package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampProcedureRegistry;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;
import io.pubsubclub.wamp.WampWebSocketHandler;
import io.pubsubclub.wamp.transport.TomcatUpgradeStrategy;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
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

	private static final String APPLICATION_TASK_EXECUTOR = "applicationTaskExecutor";

	@Bean
	@ConditionalOnMissingBean
	WampServerMetrics wampServerMetrics() {
		return new WampServerMetrics();
	}

	@Bean
	@ConditionalOnMissingBean
	WampServer wampServer(ObjectProvider<JsonMapper> jsonMapper, ApplicationEventPublisher eventPublisher,
			WampServerMetrics metrics, PubSubClubProperties properties) {
		WampServer server = new WampServer(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				eventPublisher, metrics);
		server.setSubscribeTopics(PropertyChecks.topicPatterns("pubsubclub.wamp.topics.subscribe",
				properties.getWamp().getTopics().getSubscribe()));
		server.setPublishTopics(PropertyChecks.topicPatterns("pubsubclub.wamp.topics.publish",
				properties.getWamp().getTopics().getPublish()));
		return server;
	}

	@Bean
	@ConditionalOnMissingBean
	WampProcedureRegistry wampProcedureRegistry() {
		return new WampProcedureRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	WampWebSocketHandler wampWebSocketHandler(WampServer server, WampProcedureRegistry procedures,
			BeanFactory beanFactory, PubSubClubProperties properties) {
		Executor executor = beanFactory.containsBean(APPLICATION_TASK_EXECUTOR)
				? beanFactory.getBean(APPLICATION_TASK_EXECUTOR, Executor.class)
				: new SimpleAsyncTaskExecutor("wamp-");
		PubSubClubProperties.Wamp wamp = properties.getWamp();
		WampWebSocketHandler handler = new WampWebSocketHandler(server, procedures, executor);
		handler.setServerIdent(wamp.getServerIdent());
		handler.setMaxMessageSize(PropertyChecks.intSize("pubsubclub.wamp.max-message-size", wamp.getMaxMessageSize()));
		handler.setSendBufferSize(PropertyChecks.positive("pubsubclub.wamp.send-buffer-size", wamp.getSendBufferSize()));
		handler.setSendTimeLimit(PropertyChecks.positive("pubsubclub.wamp.send-time-limit", wamp.getSendTimeLimit()));
		handler.setIncludeStackTrace(wamp.isIncludeStackTrace());
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
					new StandardWebSocketUpgradeStrategy());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(WebSocketConfigurationSupport.class)
	@EnableWebSocket
	static class EnableWebSocketConfiguration {

	}

}
