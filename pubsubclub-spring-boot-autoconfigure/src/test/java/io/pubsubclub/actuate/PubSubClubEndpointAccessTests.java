package io.pubsubclub.actuate;

import java.time.Duration;
import java.util.Objects;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pubsubclub.actuate.ActuateTestNodes.Node;
import io.pubsubclub.actuate.ActuateTestNodes.Response;
import io.pubsubclub.cluster.PeerAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Who may force redials through {@code /actuator/pubsubclub}, and how often.
 */
class PubSubClubEndpointAccessTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private final ActuateTestNodes nodes = new ActuateTestNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void writeOperationsAreNotAvailableByDefault() throws Exception {
		Node node = this.nodes.start("pubsubclub.peers=127.0.0.1:1");
		Response post = this.nodes.post(node, "/actuator/pubsubclub");
		assertThat(post.status()).isIn(404, 405);
		assertThat(this.nodes.post(node, "/actuator/pubsubclub/127.0.0.1:1").status()).isIn(404, 405);
		assertThat(this.nodes.get(node, "/actuator/pubsubclub").status()).isEqualTo(200);
	}

	@Test
	void forcedRedialsAreRateLimited() throws Exception {
		Node node = this.nodes.start("management.endpoint.pubsubclub.access=unrestricted",
				"pubsubclub.link.forced-reconnect-interval=1h", "pubsubclub.peers=127.0.0.1:1,127.0.0.1:2");
		Response first = this.nodes.post(node, "/actuator/pubsubclub/127.0.0.1:1");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body().path("reconnecting").get(0).asString()).isEqualTo("127.0.0.1:1");
		Response again = this.nodes.post(node, "/actuator/pubsubclub/127.0.0.1:1");
		assertThat(again.status()).isEqualTo(429);
		assertThat(again.body().path("refused").asString()).contains("pubsubclub.link.forced-reconnect-interval");
		assertThat(again.body().path("reconnecting")).isEmpty();
		Response all = this.nodes.post(node, "/actuator/pubsubclub");
		assertThat(all.status()).isEqualTo(429);
		// another server was not forced yet
		assertThat(this.nodes.post(node, "/actuator/pubsubclub/127.0.0.1:2").status()).isEqualTo(200);
	}

	@Test
	void anIpv6PeerIsNamedWithEncodedBracketsInThePath() throws Exception {
		Node node = this.nodes.start("management.endpoint.pubsubclub.access=unrestricted",
				"pubsubclub.peers=[::1]:1");
		await().atMost(WAIT).until(() -> Objects.requireNonNull(node.cluster().peers())
			.servers()
			.contains(new PeerAddress("::1", 1)));
		Response response = this.nodes.post(node, "/actuator/pubsubclub/%5B::1%5D:1");
		assertThat(response.status()).as(response.body().toString()).isEqualTo(200);
		assertThat(response.body().path("reconnecting").get(0).asString()).isEqualTo("[::1]:1");
	}

}
