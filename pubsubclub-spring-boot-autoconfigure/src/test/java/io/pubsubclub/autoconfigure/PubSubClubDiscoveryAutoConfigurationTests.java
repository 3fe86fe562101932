package io.pubsubclub.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pubsubclub.actuate.DiscoveryMeterBinder;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.TestSubscribers;
import io.pubsubclub.discovery.DiscoveredPeer;
import io.pubsubclub.discovery.DiscoveryMetadata;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.discovery.EarlyDeregistration;
import io.pubsubclub.discovery.LocalNode;
import io.pubsubclub.discovery.PeerRegistrar;
import io.pubsubclub.discovery.RecordingPeerRegistrar;
import io.pubsubclub.discovery.RegistrationMetadataAnnouncer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.cloud.client.serviceregistry.AutoServiceRegistrationProperties;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PubSubClubDiscoveryAutoConfiguration}.
 */
class PubSubClubDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
				CompositeDiscoveryClientAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
				PubSubClubDiscoveryAutoConfiguration.class))
		.withUserConfiguration(ClusterConfiguration.class)
		.withPropertyValues("spring.application.name=pubsubclub");

	@Test
	void watchesTheDiscoveryClientWhenTheClusterHasARegistrar() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(DiscoveryPeerWatcher.class)
				.hasSingleBean(RegistrationMetadataAnnouncer.class);
			assertThat(context.getBean(DiscoveryPeerWatcher.class).getServiceId()).isEqualTo("pubsubclub");
		});
	}

	@Test
	void noWatcherWithoutSpringCloudCommons() {
		this.runner.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class)
				.doesNotHaveBean(RegistrationMetadataAnnouncer.class));
	}

	@Test
	void noWatcherWithoutADiscoveryClient() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(ClusterConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class)
				.doesNotHaveBean(RegistrationMetadataAnnouncer.class));
	}

	@Test
	void noWatcherWhenPubSubClubDiscoveryIsDisabled() {
		this.runner.withPropertyValues("pubsubclub.discovery.enabled=false")
			.run((context) -> assertThat(context).hasBean("compositeDiscoveryClient")
				.doesNotHaveBean(DiscoveryPeerWatcher.class)
				.doesNotHaveBean(RegistrationMetadataAnnouncer.class));
	}

	@Test
	void noWatcherWhenSpringCloudDiscoveryIsDisabled() {
		this.runner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class));
	}

	@Test
	void noWatcherWhenNoRoleDialsPeers() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(LocalNodeConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class)
				.hasSingleBean(RegistrationMetadataAnnouncer.class));
	}

	@Test
	void userWatcherReplacesOurs() {
		this.runner.withUserConfiguration(UserWatcherConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(DiscoveryPeerWatcher.class);
			assertThat(context.getBean(DiscoveryPeerWatcher.class).getServiceId()).isEqualTo("user");
		});
	}

	@Test
	void serviceIdPropertyWinsOverTheApplicationName() {
		this.runner.withPropertyValues("pubsubclub.discovery.service-id=cluster")
			.run((context) -> assertThat(context.getBean(DiscoveryPeerWatcher.class).getServiceId())
				.isEqualTo("cluster"));
	}

	@Test
	void serviceIdDefaultsToSpringCloudsDefaultApplicationName() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(ClusterConfiguration.class)
			.run((context) -> assertThat(context.getBean(DiscoveryPeerWatcher.class).getServiceId())
				.isEqualTo("application"));
	}

	@Test
	void zeroRefreshIntervalFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.discovery.refresh-interval=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.discovery.refresh-interval"));
	}

	@Test
	void refreshIntervalBelowTheMinimumFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.discovery.refresh-interval=500us")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("pubsubclub.discovery.refresh-interval")
				.hasMessageContaining("100ms"));
	}

	@Test
	void negativeDebounceFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.discovery.debounce=-1s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.discovery.debounce"));
	}

	@Test
	void blankServiceIdFailsNamingTheProperty() {
		this.runner.withPropertyValues("pubsubclub.discovery.service-id= ")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pubsubclub.discovery.service-id"));
	}

	@Test
	void findsPeersListedForSimpleDiscoveryClient() {
		this.runner
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.pubsubclub[0].uri=http://127.0.0.1:8081",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[0].metadata.pubsubclub-port=19001",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[0].metadata.pubsubclub-node-id=1",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[1].uri=http://127.0.0.1:8082",
					// this node's own instance: its id and cluster port, at an address of this host
					"spring.cloud.discovery.client.simple.instances.pubsubclub[1].metadata.pubsubclub-port=19000",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[1].metadata.pubsubclub-node-id="
							+ ClusterConfiguration.NODE_ID,
					"spring.cloud.discovery.client.simple.instances.pubsubclub[2].uri=http://127.0.0.1:8083")
			.run((context) -> {
				RecordingPeerRegistrar registrar = context.getBean(RecordingPeerRegistrar.class);
				DiscoveryPeerWatcher watcher = context.getBean(DiscoveryPeerWatcher.class);
				await().until(() -> registrar.peers().size() == 1);
				assertThat(registrar.peers()).containsExactly(new DiscoveredPeer("127.0.0.1", 19001, 1L));
				assertThat(watcher.getSkippedInstanceCount()).isOne();
			});
	}

	@Test
	void metersCountKnownPeersRefreshesAndSkippedInstances() {
		this.runner.withConfiguration(AutoConfigurations.of(PubSubClubMetricsAutoConfiguration.class))
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.pubsubclub[0].uri=http://127.0.0.1:8081",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[0].metadata.pubsubclub-port=19001",
					"spring.cloud.discovery.client.simple.instances.pubsubclub[1].uri=http://127.0.0.1:8083")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(DiscoveryMeterBinder.class).bindTo(registry);
				await().until(() -> registry.get("pubsubclub.discovery.peers").gauge().value() == 1.0);
				assertThat(registry.get("pubsubclub.discovery.skipped").gauge().value()).isEqualTo(1.0);
				assertThat(registry.get("pubsubclub.discovery.refreshes").functionCounter().count())
					.isGreaterThanOrEqualTo(1.0);
				assertThat(registry.get("pubsubclub.discovery.failures").functionCounter().count()).isZero();
			});
	}

	@Test
	void noDiscoveryMetersWithoutSpringCloudCommons() {
		this.runner.withConfiguration(AutoConfigurations.of(PubSubClubMetricsAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(DiscoveryClient.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DiscoveryMeterBinder.class));
	}

	@Test
	void followsChangesOfSimpleDiscoveryClientInstances() {
		this.runner.withPropertyValues("pubsubclub.discovery.refresh-interval=100ms", "pubsubclub.discovery.debounce=0s")
			.run((context) -> {
				RecordingPeerRegistrar registrar = context.getBean(RecordingPeerRegistrar.class);
				Map<String, List<InstanceProperties>> instances = new ConcurrentHashMap<>();
				context.getBean(SimpleDiscoveryProperties.class).setInstances(instances);
				instances.put("pubsubclub", List.of(instance(19001, 1), instance(19002, 2)));
				await().until(() -> registrar.peers().size() == 2);
				instances.put("pubsubclub", List.of(instance(19002, 2)));
				await().until(() -> registrar.calls()
					.equals(List.of("add 127.0.0.1:19001", "add 127.0.0.1:19002", "remove 127.0.0.1:19001")));
			});
	}

	@Test
	void announcerPutsTheClusterPortAndNodeIdIntoTheRegistration() {
		this.runner.withUserConfiguration(RegistrationConfiguration.class).run((context) -> {
			context.getBean(RegistrationMetadataAnnouncer.class).announce();
			assertThat(context.getBean(Registration.class).getMetadata()).containsEntry("zone", "a")
				.containsEntry(DiscoveryMetadata.PORT, "19000")
				.containsEntry(DiscoveryMetadata.NODE_ID, Long.toString(ClusterConfiguration.NODE_ID));
		});
	}

	@Test
	void feedsTheClusterClientAndSkipsThisNodeByItsIdAndPort() {
		clusterRunner()
			.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.producer.enabled=true",
					"pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0", "pubsubclub.node-id=12",
					"pubsubclub.discovery.refresh-interval=100ms", "pubsubclub.discovery.debounce=0s")
			.run((context) -> {
				ClusterNode node = context.getBean(ClusterNode.class);
				int own = node.serverPort();
				Map<String, List<InstanceProperties>> instances = new ConcurrentHashMap<>();
				context.getBean(SimpleDiscoveryProperties.class).setInstances(instances);
				instances.put("pubsubclub", List.of(instance(19001, 1), instance(own, 12)));
				await().until(() -> node.peers().servers().equals(Set.of(new PeerAddress("127.0.0.1", 19001))));
				// another node that uses this node's id is dialled (its link handshake tells
				// it from this node)
				InstanceProperties sameId = instance(19013, 12);
				sameId.setInstanceId("other-node-12");
				instances.put("pubsubclub", List.of(instance(own, 12), sameId));
				await().until(() -> node.peers().servers().equals(Set.of(new PeerAddress("127.0.0.1", 19013))));
			});
	}

	@Test
	void keepsDiallingAStaticPeerThatLeavesTheRegistry() {
		clusterRunner()
			.withPropertyValues("pubsubclub.consumer.enabled=true", "pubsubclub.peers=127.0.0.1:19001",
					"pubsubclub.discovery.refresh-interval=100ms", "pubsubclub.discovery.debounce=0s")
			.run((context) -> {
				ClusterNode node = context.getBean(ClusterNode.class);
				DiscoveryPeerWatcher watcher = context.getBean(DiscoveryPeerWatcher.class);
				Map<String, List<InstanceProperties>> instances = new ConcurrentHashMap<>();
				context.getBean(SimpleDiscoveryProperties.class).setInstances(instances);
				instances.put("pubsubclub", List.of(instance(19001, 1), instance(19002, 2)));
				await().until(() -> watcher.getPeers().size() == 2);
				assertThat(node.peers().servers()).containsExactlyInAnyOrder(new PeerAddress("127.0.0.1", 19001),
						new PeerAddress("127.0.0.1", 19002));
				instances.put("pubsubclub", List.of());
				await().until(() -> watcher.getPeers().isEmpty());
				assertThat(node.peers().servers()).containsExactly(new PeerAddress("127.0.0.1", 19001));
			});
	}

	@Test
	void announcesTheBoundClusterPortAndNodeIdOfTheCluster() {
		clusterRunner().withUserConfiguration(RegistrationConfiguration.class)
			.withPropertyValues("pubsubclub.producer.enabled=true", "pubsubclub.server.port=0",
					"pubsubclub.server.address=127.0.0.1", "pubsubclub.node-id=12")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class);
				context.getBean(RegistrationMetadataAnnouncer.class).announce();
				int port = context.getBean(ClusterNode.class).serverPort();
				assertThat(context.getBean(Registration.class).getMetadata())
					.containsEntry(DiscoveryMetadata.PORT, Integer.toString(port))
					.containsEntry(DiscoveryMetadata.NODE_ID, "12");
			});
	}

	@Test
	void noWatcherNorAnnouncerWithoutTheClusterOrUserBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, ClusterAutoConfiguration.class,
					PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(SubscribersConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(DiscoveryPeerWatcher.class)
				.doesNotHaveBean(RegistrationMetadataAnnouncer.class));
	}

	@Test
	void deregistersTheAutoRegistrationWhenTheContextStopsAndOnlyOnce() {
		this.runner.withUserConfiguration(RegistrationConfiguration.class, AutoRegistrationConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(EarlyDeregistration.class);
				TestAutoServiceRegistration autoRegistration = context.getBean(TestAutoServiceRegistration.class);
				autoRegistration.start();
				assertThat(autoRegistration.calls).containsExactly("register self");
				context.stop();
				assertThat(autoRegistration.calls).containsExactly("register self", "deregister self");
				assertThat(autoRegistration.isRunning()).isFalse();
				context.close();
				assertThat(autoRegistration.calls).containsExactly("register self", "deregister self");
			});
	}

	@Test
	void earlyDeregistrationWithoutAnAutoRegistrationStopsQuietly() {
		this.runner.withUserConfiguration(RegistrationConfiguration.class).run((context) -> {
			EarlyDeregistration deregistration = context.getBean(EarlyDeregistration.class);
			assertThat(deregistration.isRunning()).isTrue();
			context.stop();
			assertThat(deregistration.isRunning()).isFalse();
		});
	}

	@Test
	void noEarlyDeregistrationWithoutTheClusterOrUserBeans() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					SimpleDiscoveryClientAutoConfiguration.class, ClusterAutoConfiguration.class,
					PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(SubscribersConfiguration.class, RegistrationConfiguration.class,
					AutoRegistrationConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(TestAutoServiceRegistration.class)
				.doesNotHaveBean(EarlyDeregistration.class));
	}

	@Test
	void noEarlyDeregistrationWhenPubSubClubDiscoveryIsDisabled() {
		this.runner.withUserConfiguration(RegistrationConfiguration.class, AutoRegistrationConfiguration.class)
			.withPropertyValues("pubsubclub.discovery.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(TestAutoServiceRegistration.class)
				.doesNotHaveBean(EarlyDeregistration.class));
	}

	private ApplicationContextRunner clusterRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(UtilAutoConfiguration.class,
					CompositeDiscoveryClientAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class,
					ClusterAutoConfiguration.class, PubSubClubDiscoveryAutoConfiguration.class))
			.withUserConfiguration(SubscribersConfiguration.class)
			.withPropertyValues("spring.application.name=pubsubclub");
	}

	private static InstanceProperties instance(int clusterPort, long nodeId) {
		InstanceProperties instance = new InstanceProperties();
		instance.setInstanceId("node-" + nodeId);
		instance.setServiceId("pubsubclub");
		instance.setHost("127.0.0.1");
		instance.setPort(8080 + (int) nodeId);
		instance.setUri(URI.create("http://127.0.0.1:" + (8080 + nodeId)));
		instance.setMetadata(new HashMap<>(DiscoveryMetadata.of(clusterPort, nodeId)));
		return instance;
	}

	@Configuration(proxyBeanMethods = false)
	static class SubscribersConfiguration {

		@Bean
		TestSubscribers testSubscribers() {
			return new TestSubscribers();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LocalNodeConfiguration {

		static final long NODE_ID = 4242;

		@Bean
		LocalNode localNode() {
			return new LocalNode() {

				@Override
				public long nodeId() {
					return NODE_ID;
				}

				@Override
				public @Nullable Integer clusterPort() {
					return 19000;
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ClusterConfiguration extends LocalNodeConfiguration {

		@Bean
		RecordingPeerRegistrar peerRegistrar() {
			return new RecordingPeerRegistrar();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWatcherConfiguration {

		@Bean
		DiscoveryPeerWatcher userWatcher(DiscoveryClient discoveryClient, PeerRegistrar registrar) {
			return new DiscoveryPeerWatcher(discoveryClient, "user", registrar, (LocalNode) null, Duration.ofMinutes(1),
					Duration.ZERO);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RegistrationConfiguration {

		@Bean
		Registration registration() {
			Map<String, String> metadata = new HashMap<>();
			metadata.put("zone", "a");
			DefaultServiceInstance instance = new DefaultServiceInstance("self", "pubsubclub", "127.0.0.1", 8080,
					false, metadata);
			return new Registration() {

				@Override
				public String getServiceId() {
					return instance.getServiceId();
				}

				@Override
				public String getHost() {
					return instance.getHost();
				}

				@Override
				public int getPort() {
					return instance.getPort();
				}

				@Override
				public boolean isSecure() {
					return false;
				}

				@Override
				public URI getUri() {
					return instance.getUri();
				}

				@Override
				public Map<String, String> getMetadata() {
					return instance.getMetadata();
				}

				@Override
				public String getInstanceId() {
					return instance.getInstanceId();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AutoRegistrationConfiguration {

		@Bean
		TestAutoServiceRegistration testAutoServiceRegistration(ApplicationContext context,
				Registration registration) {
			return new TestAutoServiceRegistration(context, registration);
		}

	}

	static class TestAutoServiceRegistration extends AbstractAutoServiceRegistration<Registration> {

		final List<String> calls;

		private final Registration registration;

		TestAutoServiceRegistration(ApplicationContext context, Registration registration) {
			this(context, registration, new CopyOnWriteArrayList<>());
		}

		private TestAutoServiceRegistration(ApplicationContext context, Registration registration,
				List<String> calls) {
			super(context, new RecordingServiceRegistry(calls), new AutoServiceRegistrationProperties());
			this.registration = registration;
			this.calls = calls;
		}

		@Override
		protected Object getConfiguration() {
			return this.registration;
		}

		@Override
		protected boolean isEnabled() {
			return true;
		}

		@Override
		protected Registration getRegistration() {
			return this.registration;
		}

		@Override
		protected Registration getManagementRegistration() {
			return this.registration;
		}

	}

	record RecordingServiceRegistry(List<String> calls) implements ServiceRegistry<Registration> {

		@Override
		public void register(Registration registration) {
			this.calls.add("register " + registration.getInstanceId());
		}

		@Override
		public void deregister(Registration registration) {
			this.calls.add("deregister " + registration.getInstanceId());
		}

		@Override
		public void close() {
		}

		@Override
		public void setStatus(Registration registration, String status) {
		}

		@Override
		public <T> @Nullable T getStatus(Registration registration) {
			return null;
		}

	}

}
