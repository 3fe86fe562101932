package io.pubsubclub.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;


import io.pubsubclub.autoconfigure.PubSubClubProperties.Mode;
import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.transport.ClusterClient;
import io.pubsubclub.cluster.transport.ClusterServer;
import io.pubsubclub.cluster.transport.LinkSettings;
import io.pubsubclub.wamp.event.LocalSubscribers;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} for the PubSubClub cluster: the node's links, its cluster server
 * for the role(s) in server mode and its client connector for the role(s) in client
 * mode. Active when at least one role is enabled and a {@link LocalSubscribers} (the
 * WAMP server) is present.
 *
 * @author PubSubClub
 */
@AutoConfiguration(afterName = "io.pubsubclub.autoconfigure.WampServerAutoConfiguration")
@Conditional(OnClusterRoleCondition.Any.class)
@ConditionalOnBean(LocalSubscribers.class)
@EnableConfigurationProperties(PubSubClubProperties.class)
public final class ClusterAutoConfiguration {

	static final String SCHEDULER = "pubsubclubTaskScheduler";

	@Bean(name = SCHEDULER, destroyMethod = "shutdown")
	@ConditionalOnMissingBean(name = SCHEDULER)
	ThreadPoolTaskScheduler pubsubclubTaskScheduler() {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("pubsubclub-cluster-");
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.setDaemon(true);
		scheduler.initialize();
		// started here rather than lazily on a server thread, whose context class loader
		// they would keep
		scheduler.getScheduledThreadPoolExecutor().prestartAllCoreThreads();
		return scheduler;
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterLinks pubsubclubClusterLinks(PubSubClubProperties properties, LocalSubscribers localSubscribers,
			@Qualifier(SCHEDULER) TaskScheduler scheduler) {
		return new ClusterLinks(nodeId(properties), roles(properties), localSubscribers, scheduler,
				properties.getLink().getHandshakeTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnClusterRoleCondition.Server.class)
	ClusterServer pubsubclubClusterServer(PubSubClubProperties properties, ClusterLinks links,
			@Qualifier(SCHEDULER) TaskScheduler scheduler) {
		Integer port = properties.getServer().getPort();
		if (port == null || port < 0 || port > 65535) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.server.port", port,
					"A port in 0..65535 is required when a role is in server mode (0 picks a free port).");
		}
		return new ClusterServer(links, rolesIn(properties, Mode.SERVER), properties.getServer().getAddress(), port,
				linkSettings(properties), scheduler);
	}

	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnClusterRoleCondition.Client.class)
	ClusterClient pubsubclubClusterClient(PubSubClubProperties properties, ClusterLinks links,
			@Qualifier(SCHEDULER) TaskScheduler scheduler) {
		return new ClusterClient(links, rolesIn(properties, Mode.CLIENT), linkSettings(properties),
				scheduler, peers(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterNode pubsubclubClusterNode(ClusterLinks links, ObjectProvider<ClusterClient> client,
			ObjectProvider<ClusterServer> server) {
		ClusterServer clusterServer = server.getIfAvailable();
		return new ClusterNode(links, client.getIfAvailable(),
				() -> (clusterServer != null) ? clusterServer.getBoundAddress() : (InetSocketAddress) null);
	}

	static long nodeId(PubSubClubProperties properties) {
		Long nodeId = properties.getNodeId();
		if (nodeId == null) {
			return ThreadLocalRandom.current().nextLong(1L << 31);
		}
		if (nodeId < 0) {
			throw new InvalidConfigurationPropertyValueException("pubsubclub.node-id", nodeId,
					"A node id must not be negative.");
		}
		return nodeId;
	}

	static Map<ClusterState.Role, ClusterState.Mode> roles(PubSubClubProperties properties) {
		Map<ClusterState.Role, ClusterState.Mode> roles = new EnumMap<>(ClusterState.Role.class);
		if (properties.getProducer().isEnabled()) {
			roles.put(ClusterState.Role.PRODUCER, mode(properties.getProducer().getMode()));
		}
		if (properties.getConsumer().isEnabled()) {
			roles.put(ClusterState.Role.CONSUMER, mode(properties.getConsumer().getMode()));
		}
		return roles;
	}

	private static ClusterState.Mode mode(Mode mode) {
		return (mode == Mode.SERVER) ? ClusterState.Mode.SERVER : ClusterState.Mode.CLIENT;
	}

	private static java.util.Set<ClusterState.Role> rolesIn(PubSubClubProperties properties, Mode mode) {
		java.util.Set<ClusterState.Role> roles = java.util.EnumSet.noneOf(ClusterState.Role.class);
		roles(properties).forEach((role, roleMode) -> {
			if (roleMode == mode(mode)) {
				roles.add(role);
			}
		});
		return roles;
	}

	static List<PeerAddress> peers(PubSubClubProperties properties) {
		List<PeerAddress> peers = new ArrayList<>();
		List<String> configured = properties.getPeers();
		for (int i = 0; i < configured.size(); i++) {
			try {
				peers.add(PeerAddress.parse(configured.get(i)));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("pubsubclub.peers[" + i + "]", configured.get(i),
						"A peer must be host:port, or [ipv6]:port. " + ex.getMessage());
			}
		}
		return peers;
	}

	static LinkSettings linkSettings(PubSubClubProperties properties) {
		PubSubClubProperties.Link link = properties.getLink();
		int maxMessageSize = PropertyChecks.intSize("pubsubclub.link.max-message-size", link.getMaxMessageSize());
		long sendBufferSize = PropertyChecks.positive("pubsubclub.link.send-buffer-size", link.getSendBufferSize());
		PropertyChecks.positive("pubsubclub.link.ping-interval", link.getPingInterval());
		Duration reconnectDelay = PropertyChecks.positive("pubsubclub.link.reconnect-delay", link.getReconnectDelay());
		PropertyChecks.positive("pubsubclub.link.max-reconnect-delay", link.getMaxReconnectDelay());
		PropertyChecks.positive("pubsubclub.link.handshake-timeout", link.getHandshakeTimeout());
		PropertyChecks.positive("pubsubclub.link.send-time-limit", link.getSendTimeLimit());
		PropertyChecks.notNegative("pubsubclub.link.forced-reconnect-interval", link.getForcedReconnectInterval());
		return new LinkSettings(maxMessageSize, sendBufferSize, link.getSendTimeLimit(), link.getPingInterval(),
				reconnectDelay, link.getMaxReconnectDelay(), link.getHandshakeTimeout());
	}

}
