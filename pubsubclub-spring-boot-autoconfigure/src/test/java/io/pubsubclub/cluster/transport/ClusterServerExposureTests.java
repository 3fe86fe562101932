package io.pubsubclub.cluster.transport;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the cluster server warns at start that anyone who reaches its port can read and
 * inject events. Decided without binding: tests bind loopback only.
 */
class ClusterServerExposureTests {

	@Test
	void everyAddressOrANonLoopbackAddressWithoutASecretIsExposed() throws Exception {
		assertThat(ClusterServer.exposedWithoutSecret(null, false)).isTrue();
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("0.0.0.0"), false)).isTrue();
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("10.1.2.3"), false)).isTrue();
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("::"), false)).isTrue();
	}

	@Test
	void loopbackOrASecretIsNotExposed() throws Exception {
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("127.0.0.1"), false)).isFalse();
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("::1"), false)).isFalse();
		assertThat(ClusterServer.exposedWithoutSecret(null, true)).isFalse();
		assertThat(ClusterServer.exposedWithoutSecret(InetAddress.getByName("10.1.2.3"), true)).isFalse();
	}

}
