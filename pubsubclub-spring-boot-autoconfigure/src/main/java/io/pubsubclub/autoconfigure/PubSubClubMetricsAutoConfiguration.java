package io.pubsubclub.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.actuate.ClusterMeterBinder;
import io.pubsubclub.actuate.DiscoveryMeterBinder;
import io.pubsubclub.actuate.LinkSecurityMeterBinder;
import io.pubsubclub.actuate.WampAuthMeterBinder;
import io.pubsubclub.actuate.WampServerMeterBinder;
import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.transport.LinkSecurity;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.auth.WampAuthMetrics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for PubSubClub's Micrometer meters ({@code pubsubclub.*}), bound
 * to every meter registry through {@link MeterBinder} beans.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = { "io.pubsubclub.autoconfigure.WampServerAutoConfiguration",
		"io.pubsubclub.autoconfigure.WampAuthAutoConfiguration",
		"io.pubsubclub.autoconfigure.ClusterAutoConfiguration",
		"io.pubsubclub.autoconfigure.PubSubClubDiscoveryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration" })
@ConditionalOnClass(MeterBinder.class)
public final class PubSubClubMetricsAutoConfiguration {

	@Bean
	@ConditionalOnBean(WampServer.class)
	@ConditionalOnMissingBean
	WampServerMeterBinder pubsubclubWampServerMeterBinder(WampServer wampServer) {
		return new WampServerMeterBinder(wampServer);
	}

	@Bean
	@ConditionalOnBean(WampAuthMetrics.class)
	@ConditionalOnMissingBean
	WampAuthMeterBinder pubsubclubWampAuthMeterBinder(WampAuthMetrics metrics) {
		return new WampAuthMeterBinder(metrics);
	}

	@Bean
	@ConditionalOnBean({ ClusterNode.class, ClusterLinks.class })
	@ConditionalOnMissingBean
	ClusterMeterBinder pubsubclubClusterMeterBinder(ClusterNode clusterNode, ClusterLinks clusterLinks) {
		return new ClusterMeterBinder(clusterNode, clusterLinks);
	}

	@Bean
	@ConditionalOnBean(LinkSecurity.class)
	@ConditionalOnMissingBean
	LinkSecurityMeterBinder pubsubclubLinkSecurityMeterBinder(LinkSecurity linkSecurity) {
		return new LinkSecurityMeterBinder(linkSecurity);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.cloud.client.discovery.DiscoveryClient")
	static class DiscoveryMetersConfiguration {

		@Bean
		@ConditionalOnBean(DiscoveryPeerWatcher.class)
		@ConditionalOnMissingBean
		DiscoveryMeterBinder pubsubclubDiscoveryMeterBinder(DiscoveryPeerWatcher watcher) {
			return new DiscoveryMeterBinder(watcher);
		}

	}

}
