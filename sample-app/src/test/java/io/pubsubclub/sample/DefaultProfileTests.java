package io.pubsubclub.sample;

import org.junit.jupiter.api.Test;

import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.discovery.ConsulCatalogWatch;
import org.springframework.cloud.consul.discovery.ConsulDiscoveryClient;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoServiceRegistration;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app with no profile: the Consul client is in the jar (these imports compile
 * against it) but nothing of it runs, so that a node started without the consul profile
 * contacts no agent. The consul profile itself is tested on the packaged jar by
 * {@code SampleAppConsulIT} in pubsubclub-discovery-tests.
 */
@SpringBootTest
class DefaultProfileTests {

	@Autowired
	ApplicationContext context;

	@Test
	void theConsulClientIsShippedButNothingOfItRunsWithoutTheConsulProfile() {
		assertThat(this.context.getEnvironment().getActiveProfiles()).isEmpty();
		assertThat(this.context.getBeanNamesForType(ConsulClient.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ConsulCatalogWatch.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ConsulAutoServiceRegistration.class)).isEmpty();
		assertThat(this.context.getBeanNamesForType(ConsulDiscoveryClient.class)).isEmpty();
		// Spring Cloud's simple discovery client stays, but spring.cloud.discovery.enabled=false
		// keeps the cluster from following it
		assertThat(this.context.getBeanNamesForType(DiscoveryPeerWatcher.class)).isEmpty();
	}

}
