package io.pubsubclub.autoconfigure;

import org.apache.catalina.startup.Tomcat;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for small Tomcat per-connection buffers, when
 * {@code pubsubclub.wamp.connection-buffer-size} is set: the connector's NIO socket
 * buffers and the servlet context's default WebSocket message buffers. The JVM-wide
 * WebSocket buffers are set earlier, by {@link WampConnectionBufferEnvironmentPostProcessor}.
 * Whether the WAMP endpoint is served or not: the buffers are the whole application's.
 *
 * @author PubSubClub
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Tomcat.class, ConfigurableTomcatWebServerFactory.class,
		ConfigurableServletWebServerFactory.class })
@ConditionalOnProperty(TomcatConnectionBuffers.PROPERTY)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class WampConnectionBufferAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "wampConnectionBufferCustomizer")
	WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> wampConnectionBufferCustomizer(
			PubSubClubProperties properties) {
		return new TomcatConnectionBufferCustomizer(
				TomcatConnectionBuffers.bytes(properties.getWamp().getConnectionBufferSize()));
	}

}
