package io.pubsubclub.autoconfigure;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * Sets the system property {@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE} to
 * {@code pubsubclub.wamp.connection-buffer-size}, in a servlet application on Tomcat
 * where the system property is not set. Tomcat reads it once, when its WebSocket classes
 * initialise, so it must be set before the web server starts: for the whole JVM, which
 * is why the application's own setting is never overridden. A size out of bounds is left
 * to {@link WampConnectionBufferAutoConfiguration} to report.
 *
 * @author PubSubClub
 */
final class WampConnectionBufferEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String TOMCAT = "org.apache.catalina.startup.Tomcat";

	private final Log logger;

	WampConnectionBufferEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(WampConnectionBufferEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (application.getWebApplicationType() != WebApplicationType.SERVLET
				|| !ClassUtils.isPresent(TOMCAT, application.getClassLoader())) {
			return;
		}
		DataSize size = Binder.get(environment).bind(TomcatConnectionBuffers.PROPERTY, DataSize.class).orElse(null);
		if (size == null || !TomcatConnectionBuffers.isValid(size)) {
			return;
		}
		String existing = System.getProperty(TomcatConnectionBuffers.DEFAULT_BUFFER_SIZE);
		if (existing != null) {
			if (this.logger.isDebugEnabled()) {
				this.logger.debug("Leaving system property " + TomcatConnectionBuffers.DEFAULT_BUFFER_SIZE + "="
						+ existing + " as set, ignoring " + TomcatConnectionBuffers.PROPERTY + "=" + size
						+ " for it");
			}
			return;
		}
		String bytes = Long.toString(size.toBytes());
		System.setProperty(TomcatConnectionBuffers.DEFAULT_BUFFER_SIZE, bytes);
		this.logger.info("Set system property " + TomcatConnectionBuffers.DEFAULT_BUFFER_SIZE + "=" + bytes + " from "
				+ TomcatConnectionBuffers.PROPERTY + "=" + size
				+ ": WebSocket buffers of every Tomcat WebSocket connection of this JVM");
	}

}
