package io.pubsubclub.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pubsubclub.cluster.ClusterNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cluster roles enabled where the starter's WAMP server is not there (switched off, or
 * not a servlet application) and no bridge of the user's own: no cluster, and a WARN
 * that says why.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterWithoutWampServerTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(WampServerAutoConfiguration.class,
			ClusterAutoConfiguration.class, ClusterWithoutWampServerAutoConfiguration.class);

	@Test
	void rolesWithTheWampServerSwitchedOffAreReported(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("pubsubclub.wamp.enabled=false", "pubsubclub.producer.enabled=true",
					"pubsubclub.server.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ClusterNode.class);
				assertThat(output).contains("pubsubclub.producer.enabled")
					.contains("pubsubclub.wamp.enabled=false")
					.contains("LocalSubscribers");
			});
	}

	@Test
	void rolesInANonServletApplicationAreReported(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("pubsubclub.consumer.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(ClusterNode.class);
				assertThat(output).contains("pubsubclub.consumer.enabled").contains("servlet");
			});
	}

	@Test
	void theClusterRunsWithTheBridgeOfAWampServerOfTheApplicationsOwn(CapturedOutput output) {
		new ApplicationContextRunner().withConfiguration(ALL)
			.withUserConfiguration(PropertyValidationTests.SubscribersConfiguration.class)
			.withPropertyValues("pubsubclub.wamp.enabled=false", "pubsubclub.consumer.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ClusterNode.class);
				assertThat(output).doesNotContain("joins no cluster");
			});
	}

	@Test
	void nothingIsReportedWithoutRoles(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("pubsubclub.wamp.enabled=false")
			.run((context) -> assertThat(output).doesNotContain("LocalSubscribers"));
	}

}
