package io.pubsubclub.cluster;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StablePort}: the ports it picks are outside what the kernel hands out
 * for port 0 (and so to outgoing connections), and free.
 */
class StablePortTests {

	@Test
	void picksFreePortsOutsideTheEphemeralRange() throws Exception {
		try (ServerSocket ephemeral = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			assertThat(StablePort.ephemeral(ephemeral.getLocalPort())).as("port 0's pick is ephemeral").isTrue();
		}
		for (int i = 0; i < 20; i++) {
			int port = StablePort.pick();
			assertThat(StablePort.ephemeral(port)).as("port " + port).isFalse();
			try (ServerSocket socket = new ServerSocket()) {
				socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
			}
		}
	}

}
