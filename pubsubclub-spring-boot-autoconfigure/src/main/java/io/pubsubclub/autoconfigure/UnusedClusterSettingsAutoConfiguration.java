package io.pubsubclub.autoconfigure;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for a node that plays no cluster role: a WARN at start when cluster
 * settings are given all the same, since the roles are opt-in and such a node would
 * otherwise run as a lone WAMP server without a word.
 *
 * @author PubSubClub
 */
@AutoConfiguration
@Conditional(OnClusterRoleCondition.None.class)
public final class UnusedClusterSettingsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	UnusedClusterSettings pubsubclubUnusedClusterSettings(Environment environment) {
		return new UnusedClusterSettings(environment);
	}

}
