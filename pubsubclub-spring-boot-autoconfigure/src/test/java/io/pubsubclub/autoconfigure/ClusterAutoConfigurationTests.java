package io.pubsubclub.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.TestSubscribers;
import io.pubsubclub.cluster.transport.ClusterClient;
import io.pubsubclub.cluster.transport.ClusterServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterAutoConfiguration}.
 */
class ClusterAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class))
		.withUserConfiguration(SubscribersConfiguration.class);

	@Test
	void backsOffWhenNoRoleIsEnabled() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClusterLinks.class)
			.doesNotHaveBean(ClusterNode.class));
	}

	@Test
	void backsOffWithoutLocalSubscribers() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ClusterAutoConfiguration.class))
			.withPropertyValues("pubsubclub.producer.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClusterLinks.class));
	}

	@Test
	void producerServesAndConsumerDialsByDefault() {
		PubSubClubProperties properties = new PubSubClubProperties();
		assertThat(properties.getProducer().getMode()).isEqualTo(PubSubClubProperties.Mode.SERVER);
		assertThat(properties.getConsumer().getMode()).isEqualTo(PubSubClubProperties.Mode.CLIENT);
	}

	@Test
	void producerAloneGetsAServerAndNoClientByDefault() {
		this.runner.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterServer.class).doesNotHaveBean(ClusterClient.class);
				ClusterNode node = context.getBean(ClusterNode.class);
				assertThat(node.serverPort()).isPositive();
				assertThat(node.peers()).isNull();
				assertThat(node.state().roles()).containsEntry(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER)
					.hasSize(1);
			});
	}

	@Test
	void consumerAloneGetsAClientAndNoServerByDefault() {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.peers=127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterClient.class).doesNotHaveBean(ClusterServer.class);
				ClusterNode node = context.getBean(ClusterNode.class);
				assertThat(node.serverPort()).isNull();
				assertThat(node.peers().servers()).containsExactly(new PeerAddress("127.0.0.1", 1));
				assertThat(node.state().roles()).containsEntry(ClusterState.Role.CONSUMER, ClusterState.Mode.CLIENT)
					.hasSize(1);
			});
	}

	@Test
	void producerInClientModeGetsAClientAndNoServer() {
		this.runner
			.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.producer.mode=client",
					"pubsubclub.peers=127.0.0.1:1,[::1]:2")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterClient.class)
					.doesNotHaveBean(ClusterServer.class)
					.hasSingleBean(ClusterNode.class);
				ClusterNode node = context.getBean(ClusterNode.class);
				assertThat(node.nodeId()).isBetween(0L, (1L << 31) - 1);
				assertThat(node.serverPort()).isNull();
				assertThat(node.peers().servers()).containsExactlyInAnyOrder(new PeerAddress("127.0.0.1", 1),
						new PeerAddress("::1", 2));
				assertThat(node.state().roles()).containsEntry(ClusterState.Role.PRODUCER, ClusterState.Mode.CLIENT)
					.hasSize(1);
			});
	}

	@Test
	void consumerInServerModeGetsAServerBoundBeforeTheWebServer() {
		this.runner
			.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server",
					"pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1", "pubsubclub.node-id=12")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterServer.class).doesNotHaveBean(ClusterClient.class);
				ClusterServer server = context.getBean(ClusterServer.class);
				assertThat(server.getPhase()).isLessThan(Integer.MAX_VALUE - 2048);
				assertThat(server.getPort()).isPositive();
				ClusterNode node = context.getBean(ClusterNode.class);
				assertThat(node.nodeId()).isEqualTo(12);
				assertThat(node.serverPort()).isEqualTo(server.getPort());
				assertThat(node.serverAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
				assertThat(node.peers()).isNull();
			});
	}

	@Test
	void bothRolesGetBothSidesByDefault() {
		this.runner
			.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
					"pubsubclub.server.port=0")
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterServer.class).hasSingleBean(ClusterClient.class);
				assertThat(context.getBean(ClusterNode.class).state().roles()).containsExactlyInAnyOrderEntriesOf(
						java.util.Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER,
								ClusterState.Role.CONSUMER, ClusterState.Mode.CLIENT));
			});
	}

	@Test
	void serverModeWithoutPortFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.consumer.mode=server")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.port"));
	}

	@Test
	void producerInServerModeByDefaultWithoutPortFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.producer.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.server.port"));
	}

	@Test
	void malformedPeerFailsNamingIt() {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.peers=a:1,nonsense")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.peers[1]"));
	}

	@Test
	void negativeNodeIdFailsNamingIt() {
		this.runner
			.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0", "pubsubclub.node-id=-1")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.node-id"));
	}

	@Test
	void portInUseFailsNamingTheProperty() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
			this.runner
				.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.address=127.0.0.1",
						"pubsubclub.server.port=" + taken.getLocalPort())
				.run((context) -> assertThat(context).getFailure()
					.hasStackTraceContaining("pubsubclub.server.port")
					.hasStackTraceContaining(String.valueOf(taken.getLocalPort())));
		}
	}

	@Test
	void userDefinedNodeWins() {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true")
			.withUserConfiguration(UserNodeConfiguration.class)
			.run((context) -> assertThat(context).getBean(ClusterNode.class)
				.isSameAs(context.getBean("userNode")));
	}

	@Test
	void userSchedulerOfTheSameTypeDoesNotClash() {
		this.runner.withPropertyValues("pubsubclub.consumer.enabled=true")
			.withBean("taskScheduler", org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler.class)
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ClusterNode.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserNodeConfiguration {

		@Bean
		ClusterNode userNode(ClusterLinks links) {
			return new ClusterNode(links, null, () -> null);
		}

	}

}
