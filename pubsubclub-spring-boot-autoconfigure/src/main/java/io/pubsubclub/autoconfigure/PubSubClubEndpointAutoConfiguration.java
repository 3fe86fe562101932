package io.pubsubclub.autoconfigure;

import io.pubsubclub.actuate.PubSubClubSecretSanitizer;
import io.pubsubclub.actuate.PubSubClubEndpoint;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.transport.LinkSecurity;
import io.pubsubclub.wamp.WampServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the {@link PubSubClubEndpoint pubsubclub actuator endpoint}.
 * Active when the WAMP server, the cluster, or both are present.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "io.pubsubclub.autoconfigure.WampServerAutoConfiguration",
		"io.pubsubclub.autoconfigure.ClusterAutoConfiguration" })
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@Conditional(OnPubSubClubCondition.class)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class PubSubClubEndpointAutoConfiguration {

	// on the method, so that the class's conditions have ruled out a missing actuator
	// before this annotation's condition class is loaded
	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(PubSubClubEndpoint.class)
	PubSubClubEndpoint pubsubclubEndpoint(ObjectProvider<WampServer> wampServer,
			ObjectProvider<ClusterNode> clusterNode, PubSubClubProperties properties,
			ObjectProvider<LinkSecurity> linkSecurity) {
		return new PubSubClubEndpoint(wampServer.getIfAvailable(), clusterNode.getIfAvailable(),
				PropertyChecks.notNegative("pubsubclub.link.forced-reconnect-interval",
						properties.getLink().getForcedReconnectInterval()),
				linkSecurity.getIfAvailable());
	}

	// whether the endpoint is exposed or not: /actuator/env and configprops show the
	// properties
	@Bean
	@ConditionalOnMissingBean(name = "pubsubclubSecretSanitizer")
	PubSubClubSecretSanitizer pubsubclubSecretSanitizer(ObjectProvider<PubSubClubProperties> properties) {
		return new PubSubClubSecretSanitizer(properties::getIfAvailable);
	}

}
