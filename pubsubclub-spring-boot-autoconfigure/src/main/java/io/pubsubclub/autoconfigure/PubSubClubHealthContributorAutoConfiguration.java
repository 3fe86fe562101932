package io.pubsubclub.autoconfigure;

import io.pubsubclub.actuate.PubSubClubHealthIndicator;
import io.pubsubclub.cluster.ClusterNode;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link PubSubClubHealthIndicator health of the cluster
 * links}, contributed as {@code pubsubclub}.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = "io.pubsubclub.autoconfigure.ClusterAutoConfiguration")
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ClusterNode.class)
public final class PubSubClubHealthContributorAutoConfiguration {

	// on the method, so that the class's conditions have ruled out a missing
	// spring-boot-health before this annotation's condition class is loaded
	@Bean
	@ConditionalOnEnabledHealthIndicator("pubsubclub")
	@ConditionalOnMissingBean(name = "pubsubclubHealthIndicator")
	PubSubClubHealthIndicator pubsubclubHealthIndicator(ClusterNode clusterNode) {
		return new PubSubClubHealthIndicator(clusterNode);
	}

}
