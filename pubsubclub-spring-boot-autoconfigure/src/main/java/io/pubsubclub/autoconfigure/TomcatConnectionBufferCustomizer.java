package io.pubsubclub.autoconfigure;

import java.util.Map;

import org.apache.catalina.Context;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;

/**
 * Gives Tomcat's connector small NIO socket buffers and the servlet context small
 * default WebSocket message buffers, so that an idle connection costs little heap.
 *
 * @author PubSubClub
 */
final class TomcatConnectionBufferCustomizer implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

	private final int bytes;

	TomcatConnectionBufferCustomizer(int bytes) {
		this.bytes = bytes;
	}

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		String size = Integer.toString(this.bytes);
		factory.addConnectorCustomizers((connector) -> {
			connector.setProperty(TomcatConnectionBuffers.SOCKET_READ_BUFFER, size);
			connector.setProperty(TomcatConnectionBuffers.SOCKET_WRITE_BUFFER, size);
		});
		if (factory instanceof ConfigurableServletWebServerFactory servletFactory) {
			// context parameters rather than Boot's init parameters: Tomcat merges them
			// before any ServletContainerInitializer runs, so WsSci's server container sees
			// them whatever the initializers' order. Read when the context is built, after
			// every customizer, so that init parameters the application set win.
			factory.addContextCustomizers((context) -> {
				Map<String, String> initParameters = servletFactory.getSettings().getInitParameters();
				addUnlessSet(context, initParameters, TomcatConnectionBuffers.TEXT_BUFFER_SIZE,
						Integer.toString(TomcatConnectionBuffers.textBufferChars(this.bytes)));
				addUnlessSet(context, initParameters, TomcatConnectionBuffers.BINARY_BUFFER_SIZE, size);
			});
		}
	}

	private static void addUnlessSet(Context context, Map<String, String> initParameters, String name, String value) {
		if (!initParameters.containsKey(name) && context.findParameter(name) == null) {
			context.addParameter(name, value);
		}
	}

	int getBytes() {
		return this.bytes;
	}

}
