package io.pubsubclub.autoconfigure;

import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampProcedureRegistry;
import io.pubsubclub.wamp.WampPublisher;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;
import io.pubsubclub.wamp.WampWebSocketHandler;
import io.pubsubclub.wamp.event.LocalSubscribers;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions of {@link WampServerAutoConfiguration}.
 */
class WampServerAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WampServerAutoConfiguration.class));

	@Test
	void servesTheWampEndpointByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(WampServer.class)
				.hasSingleBean(WampPublisher.class)
				.hasSingleBean(LocalSubscribers.class)
				.hasSingleBean(WampServerMetrics.class)
				.hasSingleBean(WampProcedureRegistry.class)
				.hasSingleBean(WampWebSocketHandler.class)
				.hasBean("wampWebSocketConfigurer");
			assertThat(handlerMap(context.getBean("webSocketHandlerMapping", AbstractUrlHandlerMapping.class)))
				.containsKey("/wamp");
			assertThat(context.getBean(WampWebSocketHandler.class).getMaxMessageSize()).isEqualTo(64 * 1024);
			assertThat(context.getBean(WampWebSocketHandler.class).getSubProtocols()).containsExactly("wamp",
					"wamp.2.json");
		});
	}

	@Test
	void wamp2CanBeTurnedOff() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.v2.enabled=false")
			.run((context) -> assertThat(context.getBean(WampWebSocketHandler.class).getSubProtocols())
				.containsExactly("wamp"));
	}

	@Test
	void aBadRealmOrPrefixMappingFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.v2.realm=realm#1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("pubsubclub.wamp.v2.realm");
		});
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.v2.topic-prefixes[a.example/x#]=com.example.",
					"pubsubclub.wamp.v2.topic-prefixes[b.example/y#]=com.example.")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("pubsubclub.wamp.v2.topic-prefixes");
			});
	}

	@Test
	void pathAndLimitsComeFromProperties() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.path=/ws/pubsub", "pubsubclub.wamp.max-message-size=1MB")
			.run((context) -> {
				assertThat(handlerMap(context.getBean("webSocketHandlerMapping", AbstractUrlHandlerMapping.class)))
					.containsKey("/ws/pubsub")
					.doesNotContainKey("/wamp");
				assertThat(context.getBean(WampWebSocketHandler.class).getMaxMessageSize()).isEqualTo(1024 * 1024);
			});
	}

	@Test
	void badMaxMessageSizeFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.max-message-size=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("pubsubclub.wamp.max-message-size");
		});
	}

	@Test
	void proceduresRunOnABoundedExecutorOfTheirOwnThatIsNoDefaultCandidate() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.calls.pool-size=3", "pubsubclub.wamp.calls.queue-capacity=7")
			.withBean("appExecutor", Executor.class, SyncTaskExecutor::new)
			.withBean(ExecutorUser.class)
			.run((context) -> {
				ThreadPoolTaskExecutor calls = context.getBean(WampServerAutoConfiguration.CALL_EXECUTOR_BEAN_NAME,
						ThreadPoolTaskExecutor.class);
				assertThat(calls.getCorePoolSize()).isEqualTo(3);
				assertThat(calls.getMaxPoolSize()).isEqualTo(3);
				assertThat(calls.getQueueCapacity()).isEqualTo(7);
				// injection by type still finds the application's one executor
				assertThat(context.getBean(ExecutorUser.class).executor).isSameAs(context.getBean("appExecutor"));
			});
	}

	@Test
	void aBeanNamedWampCallExecutorReplacesIt() {
		this.contextRunner.withBean("wampCallExecutor", Executor.class, SyncTaskExecutor::new).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("wampCallExecutor")).isInstanceOf(SyncTaskExecutor.class);
		});
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(WampServer.class)
				.doesNotHaveBean(WampWebSocketHandler.class)
				.doesNotHaveBean("wampWebSocketConfigurer");
		});
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(WampServerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WampServer.class)
				.doesNotHaveBean(WampWebSocketHandler.class));
	}

	@Test
	void notWithoutSpringWebSocket() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(WebSocketConfigurer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(WampServer.class));
	}

	@Test
	void userBeansReplaceOurs() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(WampServer.class)
				.hasSingleBean(WampWebSocketHandler.class)
				.hasSingleBean(WampServerMetrics.class);
			assertThat(context.getBean(WampServer.class)).isSameAs(context.getBean("myWampServer"));
			assertThat(context.getBean(WampWebSocketHandler.class)).isSameAs(context.getBean("myHandler"));
			assertThat(context.getBean(WampServerMetrics.class)).isSameAs(context.getBean("myMetrics"));
		});
	}

	@Test
	void theApplicationsOwnWebSocketEndpointsStay() {
		this.contextRunner.withUserConfiguration(OtherEndpoint.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(handlerMap(context.getBean("webSocketHandlerMapping", AbstractUrlHandlerMapping.class)))
				.containsKeys("/wamp", "/other");
		});
	}

	private static java.util.Map<String, Object> handlerMap(AbstractUrlHandlerMapping mapping) {
		return mapping.getHandlerMap();
	}

	static class ExecutorUser {

		final Executor executor;

		ExecutorUser(Executor executor) {
			this.executor = executor;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		WampServerMetrics myMetrics() {
			return new WampServerMetrics();
		}

		@Bean
		WampServer myWampServer(ApplicationEventPublisher eventPublisher, WampServerMetrics metrics) {
			return new WampServer(JsonMapper.builder().build(), eventPublisher, metrics);
		}

		@Bean
		WampWebSocketHandler myHandler(WampServer server, WampProcedureRegistry procedures) {
			Executor executor = new SyncTaskExecutor();
			return new WampWebSocketHandler(server, procedures, executor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class OtherEndpoint implements WebSocketConfigurer {

		@Override
		public void registerWebSocketHandlers(
				org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry registry) {
			WebSocketHandler handler = new TextWebSocketHandler();
			registry.addHandler(handler, "/other");
		}

	}

}
