package io.pubsubclub.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.pubsubclub.cluster.transport.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backplane configured only through Boot's {@code spring.data.redis.*}: an ACL user
 * with a password on a redis-server whose default user is off, a wrong password (the
 * node starts, stays DEGRADED and says which properties to check), and TLS through a
 * PEM SSL bundle on a redis-server that has no plain-text port.
 */
class RedisSecurityTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String TOPIC = "http://example.com/redis#secure";

	@RegisterExtension
	final RedisTestBed redis = new RedisTestBed();

	@TempDir
	Path dir;

	@Test
	void anAclUserWithAPasswordCarriesEventsAndAWrongPasswordIsNamed() throws Exception {
		// the backplane needs only its own keys and channels
		Path acl = this.dir.resolve("users.acl");
		Files.writeString(acl, "user default off\n"
				+ "user pubsub on >s3cret ~pubsubclub:* &pubsubclub:* +@all -@admin -@dangerous\n");
		RedisServers.Server server = this.redis.servers.start("--aclfile", acl.toString());
		assertThat(server.cli("PING")).contains("NOAUTH");
		String[] credentials = { "spring.data.redis.username=pubsub", "spring.data.redis.password=s3cret" };
		RedisTestNodes.Node a = this.redis.nodes.start(server.port(), credentials);
		RedisTestNodes.Node b = this.redis.nodes.start(server.port(), credentials);
		assertDelivery(a, b);

		RedisTestNodes.Node wrong = this.redis.nodes.start(server.port(), "spring.data.redis.username=pubsub",
				"spring.data.redis.password=wrong");
		// started (its local subscribers are served; it retries), its publishes counted as
		// not sent, and the health's lastError says what to check
		assertThat(wrong.state().connected()).isFalse();
		assertThat(wrong.state().lastError()).contains("spring.data.redis.username")
			.contains("spring.data.redis.password")
			.contains("WRONGPASS");
		wrong.subscribers().publish(TOPIC, "\"local\"");
		assertThat(wrong.state().dropped()).isOne();
	}

	@Test
	void tlsThroughAnSslBundleCarriesEventsWithNoPlainTextPort() throws Exception {
		TestCertificates.Ca ca = TestCertificates.ca("redis-ca");
		TestCertificates.Issued serverIdentity = ca.server();
		Path certificate = Files.writeString(this.dir.resolve("server.crt"), serverIdentity.certificatePem());
		Path key = Files.writeString(this.dir.resolve("server.key"), serverIdentity.privateKeyPem());
		Path caFile = Files.writeString(this.dir.resolve("ca.crt"), TestCertificates.pem(ca));
		// clients must show a certificate of the CA too (redis-server's default)
		RedisServers.Server server = this.redis.servers.startTls(certificate, key, caFile);
		assertThat(server.cli("--tls", "--cacert", caFile.toString(), "--cert", certificate.toString(), "--key",
				key.toString(), "CONFIG", "GET", "port"))
			.as("no plain-text port")
			.isEqualTo("port\n0\n");
		List<String> properties = new ArrayList<>(TestCertificates.bundle("redis", ca.client(), ca));
		properties.add("spring.data.redis.ssl.bundle=redis");
		RedisTestNodes.Node a = this.redis.nodes.start(server.port(), properties.toArray(String[]::new));
		RedisTestNodes.Node b = this.redis.nodes.start(server.port(), properties.toArray(String[]::new));
		assertDelivery(a, b);
		// the plain-text client is refused on the TLS port: nothing there speaks plain RESP
		assertThat(server.cli("PING")).doesNotContain("PONG");
	}

	private static void assertDelivery(RedisTestNodes.Node a, RedisTestNodes.Node b) {
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> a.state().connected() && b.state().connected() && b.state().channels() == 1
				&& b.state().recovering() == 0);
		for (int i = 0; i < 3; i++) {
			a.subscribers().publish(TOPIC, "{\"n\":" + i + "}");
		}
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() >= 3);
		assertThat(b.subscribers().delivered()).containsExactly(TOPIC + " {\"n\":0}", TOPIC + " {\"n\":1}",
				TOPIC + " {\"n\":2}");
		assertThat(a.state().publishFailures()).isZero();
	}

}
