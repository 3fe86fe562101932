package io.pubsubclub.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pubsubclub.actuate.PubSubClubHealthIndicator;
import io.pubsubclub.cluster.TestNodes.Node;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebSockets on the cluster port that never complete the handshake do not make the node
 * DEGRADED: they are counted apart from the links of configured peers, and the handshake
 * timeout closes them.
 */
class UnfinishedHandshakeHealthTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@RegisterExtension
	final TestNodes nodes = new TestNodes();

	@Test
	void silentSocketsOnTheClusterPortLeaveHealthUpAndAreClosedByTheHandshakeTimeout() throws Exception {
		Node node = this.nodes.start("pubsubclub.producer.enabled=true", "pubsubclub.server.address=127.0.0.1",
				"pubsubclub.server.port=0", "pubsubclub.link.handshake-timeout=3s");
		AtomicReference<CloseStatus> closed = new AtomicReference<>();
		WebSocketSession session = new StandardWebSocketClient().execute(new TextWebSocketHandler() {
			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				closed.set(status);
			}
		}, new WebSocketHttpHeaders(), URI.create("ws://" + node.address() + "/")).get(10, TimeUnit.SECONDS);
		try {
			await().atMost(WAIT).until(() -> node.links().stream()
				.anyMatch((link) -> link.direction() == ClusterState.Direction.ACCEPTED
						&& link.status() == ClusterState.Status.HANDSHAKING));
			Health health = new PubSubClubHealthIndicator(node.cluster()).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("handshaking", 1);
			await().atMost(WAIT).until(() -> closed.get() != null);
			assertThat(closed.get().getCode()).isEqualTo(PeerLink.PROTOCOL_ERROR);
			await().atMost(WAIT).until(() -> node.links().isEmpty());
			assertThat(new PubSubClubHealthIndicator(node.cluster()).health(true).getDetails())
				.containsAllEntriesOf(Map.of("ready", 0, "notReady", 0, "handshaking", 0));
		}
		finally {
			if (session.isOpen()) {
				session.close();
			}
		}
	}

}
