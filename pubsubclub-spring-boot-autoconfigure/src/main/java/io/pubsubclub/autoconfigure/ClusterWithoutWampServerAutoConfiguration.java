package io.pubsubclub.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.wamp.event.LocalSubscribers;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that says why there is no cluster when cluster roles are enabled
 * but nothing bridges the cluster to local WAMP subscribers: the starter's WAMP server is
 * off ({@code pubsubclub.wamp.enabled=false}) or cannot run (not a servlet web
 * application), and the application has no {@link LocalSubscribers} bean of its own (the
 * bridge a WAMP server of its own would provide, with which the cluster runs).
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "io.pubsubclub.autoconfigure.WampServerAutoConfiguration",
		"io.pubsubclub.autoconfigure.ClusterAutoConfiguration" })
@Conditional(OnClusterRoleCondition.Any.class)
@ConditionalOnMissingBean(LocalSubscribers.class)
public final class ClusterWithoutWampServerAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ClusterWithoutWampServerAutoConfiguration.class);

	private static final String WEB_APPLICATION_CONTEXT = "org.springframework.web.context.WebApplicationContext";

	@Bean
	@ConditionalOnMissingBean(name = "pubsubclubClusterWithoutWampServerWarning")
	static SmartInitializingSingleton pubsubclubClusterWithoutWampServerWarning(Environment environment,
			ApplicationContext context) {
		return () -> logger.warn(message(environment, context));
	}

	static String message(Environment environment, ApplicationContext context) {
		List<String> roles = new ArrayList<>();
		for (String role : List.of("producer", "consumer")) {
			if (environment.getProperty("pubsubclub." + role + ".enabled", Boolean.class, false)) {
				roles.add("pubsubclub." + role + ".enabled=true");
			}
		}
		String why;
		if (!environment.getProperty("pubsubclub.wamp.enabled", Boolean.class, true)) {
			why = "the starter's WAMP server, which provides one, is switched off (pubsubclub.wamp.enabled=false)";
		}
		else if (!isServletWebApplication(context)) {
			why = "the starter's WAMP server, which provides one, runs only in a servlet web application,"
					+ " and this is not one";
		}
		else {
			why = "the starter's WAMP server, which provides one, is not there (no Spring WebSocket or"
					+ " Jakarta WebSocket on the classpath?)";
		}
		return "PubSubClub cluster roles are enabled (" + String.join(", ", roles) + ") but this node joins no"
				+ " cluster: the cluster needs a LocalSubscribers bean, the bridge to local WAMP subscribers, and "
				+ why + ". Turn the WAMP server on, or declare the LocalSubscribers bean of a WAMP server of your"
				+ " own, or disable the roles.";
	}

	private static boolean isServletWebApplication(ApplicationContext context) {
		ClassLoader classLoader = context.getClassLoader();
		if (!ClassUtils.isPresent(WEB_APPLICATION_CONTEXT, classLoader)) {
			return false;
		}
		return ClassUtils.resolveClassName(WEB_APPLICATION_CONTEXT, classLoader).isInstance(context);
	}

}
