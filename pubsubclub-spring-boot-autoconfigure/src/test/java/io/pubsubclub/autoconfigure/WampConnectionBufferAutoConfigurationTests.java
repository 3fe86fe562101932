package io.pubsubclub.autoconfigure;

import java.util.Map;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conditions and settings of {@link WampConnectionBufferAutoConfiguration}.
 */
class WampConnectionBufferAutoConfigurationTests {

	private static final String BEAN = "wampConnectionBufferCustomizer";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WampConnectionBufferAutoConfiguration.class));

	@Test
	void nothingWhenThePropertyIsNotSet() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BEAN));
	}

	@Test
	void customizerWhenThePropertyIsSet() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB").run((context) -> {
			assertThat(context).hasBean(BEAN);
			assertThat(customizer(context).getBytes()).isEqualTo(1024);
		});
	}

	@Test
	void setsTheSocketBuffersAndTheMessageBuffers() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB").run((context) -> {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			customizer(context).customize(factory);
			Connector connector = connector(factory);
			assertThat(connector.getProperty("socket.appReadBufSize")).hasToString("1024");
			assertThat(connector.getProperty("socket.appWriteBufSize")).hasToString("1024");
			Context tomcatContext = context(factory);
			assertThat(tomcatContext.findParameter("org.apache.tomcat.websocket.textBufferSize")).isEqualTo("512");
			assertThat(tomcatContext.findParameter("org.apache.tomcat.websocket.binaryBufferSize")).isEqualTo("1024");
		});
	}

	@Test
	void initParametersTheApplicationSetWin() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=2KB").run((context) -> {
			TomcatServletWebServerFactory factory = new TomcatServletWebServerFactory();
			customizer(context).customize(factory);
			// set after our customizer ran, as Boot's own customizer may be ordered
			factory.getSettings().setInitParameters(Map.of("org.apache.tomcat.websocket.textBufferSize", "3000"));
			Context tomcatContext = context(factory);
			assertThat(tomcatContext.findParameter("org.apache.tomcat.websocket.textBufferSize")).isNull();
			assertThat(tomcatContext.findParameter("org.apache.tomcat.websocket.binaryBufferSize")).isEqualTo("2048");
		});
	}

	@Test
	void boundsAreAccepted() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=512B")
			.run((context) -> assertThat(customizer(context).getBytes()).isEqualTo(512));
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=64KB")
			.run((context) -> assertThat(customizer(context).getBytes()).isEqualTo(64 * 1024));
	}

	@Test
	void sizeOutOfBoundsFailsStartUpNamingTheProperty() {
		for (String size : new String[] { "100B", "511B", "65537B", "1MB", "" }) {
			this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=" + size).run((context) -> {
				assertThat(context).as(size).hasFailed();
				assertThat(context.getStartupFailure()).as(size)
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("pubsubclub.wamp.connection-buffer-size")
					.hasMessageContaining("between 512B and 64KB");
			});
		}
	}

	@Test
	void notWithoutTomcat() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB")
			.withClassLoader(new FilteredClassLoader("org.apache.catalina"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BEAN));
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB")
			.withClassLoader(new FilteredClassLoader(ConfigurableTomcatWebServerFactory.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BEAN));
	}

	@Test
	void notInANonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WampConnectionBufferAutoConfiguration.class))
			.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(BEAN));
	}

	@Test
	void evenWhenTheWampEndpointIsNotServed() {
		this.contextRunner
			.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB", "pubsubclub.wamp.enabled=false")
			.run((context) -> assertThat(context).hasBean(BEAN));
	}

	@Test
	void userCustomizerReplacesOurs() {
		this.contextRunner.withPropertyValues("pubsubclub.wamp.connection-buffer-size=1KB")
			.withUserConfiguration(UserCustomizer.class)
			.run((context) -> assertThat(context.getBean(BEAN)).isSameAs(UserCustomizer.CUSTOMIZER));
	}

	private static TomcatConnectionBufferCustomizer customizer(AssertableWebApplicationContext context) {
		return context.getBean(BEAN, TomcatConnectionBufferCustomizer.class);
	}

	private static Connector connector(TomcatServletWebServerFactory factory) {
		Connector connector = new Connector();
		for (TomcatConnectorCustomizer customizer : factory.getConnectorCustomizers()) {
			customizer.customize(connector);
		}
		return connector;
	}

	private static Context context(TomcatServletWebServerFactory factory) {
		StandardContext context = new StandardContext();
		for (TomcatContextCustomizer customizer : factory.getContextCustomizers()) {
			customizer.customize(context);
		}
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizer {

		static final WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> CUSTOMIZER = (factory) -> {
		};

		@Bean
		WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> wampConnectionBufferCustomizer() {
			return CUSTOMIZER;
		}

	}

}
