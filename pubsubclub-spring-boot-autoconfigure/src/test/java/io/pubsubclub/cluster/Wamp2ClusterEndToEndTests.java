package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.Wamp2FrameClient;
import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.cluster.WampClusterNodes.consumersAsking;
import static io.pubsubclub.cluster.WampClusterNodes.link;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP v1 and v2 clients on two full nodes: a v2 subscription is interest for the
 * cluster like a v1 one, the cluster carries the v1 form (topic and event), and the
 * {@code "v2"} flag of a 1.2 link lets the far node give its v2 subscribers the exact
 * payload, while exclude/eligible lists of v2 session ids hold across the hop.
 */
class Wamp2ClusterEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final String V1_TOPIC = "http://example.com/chat#room";

	private static final String V2_TOPIC = "com.example.chat.room";

	private final WampClusterNodes nodes = new WampClusterNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void v1AndV2ClientsExchangeEventsAcrossTwoNodesBothWays() throws Exception {
		ConfigurableApplicationContext a = start();
		ConfigurableApplicationContext b = start();
		link(a, b);
		link(b, a);
		WampFrameClient v1OnA = v1(a);
		Wamp2FrameClient v2OnA = v2(a);
		WampFrameClient v1OnB = v1(b);
		Wamp2FrameClient v2OnB = v2(b);
		long subscriptionOnB = v2OnB.subscribe(V2_TOPIC);
		// a v2 subscription is the cluster's interest in the v1 topic
		await().atMost(WAIT).until(() -> consumersAsking(a, V1_TOPIC) == 1);
		v1OnB.send("[5,\"" + V1_TOPIC + "\"]");
		long subscriptionOnA = v2OnA.subscribe(V2_TOPIC);
		v1OnA.send("[5,\"" + V1_TOPIC + "\"]");
		await().atMost(WAIT).until(() -> consumersAsking(b, V1_TOPIC) == 1);
		// v1 on A -> v2 (and v1) on B
		v1OnA.send("[7,\"" + V1_TOPIC + "\",{\"n\":1}]");
		assertThat(tail(v2OnB.nextJson(), subscriptionOnB)).isEqualTo("[{\"n\":1}]");
		assertThat(v1OnB.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"n\":1}]");
		assertThat(tail(v2OnA.nextJson(), subscriptionOnA)).isEqualTo("[{\"n\":1}]");
		// v2 on B with keywords -> exact for v2 on A, the wrapper for v1 on A
		v2OnB.send("[16,1,{},\"" + V2_TOPIC + "\",[1,\"two\"],{\"k\":[3]}]");
		assertThat(tail(v2OnA.nextJson(), subscriptionOnA)).isEqualTo("[1,\"two\"],{\"k\":[3]}");
		assertThat(v1OnA.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[1,\"two\"],\"kwargs\":{\"k\":[3]}}]");
		assertThat(v1OnB.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[1,\"two\"],\"kwargs\":{\"k\":[3]}}]");
		// v2 on A, one argument -> the plain v1 event everywhere
		v2OnA.send("[16,2,{},\"" + V2_TOPIC + "\",[\"plain\"]]");
		assertThat(v1OnB.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"plain\"]");
		assertThat(tail(v2OnB.nextJson(), subscriptionOnB)).isEqualTo("[\"plain\"]");
		assertThat(v1OnA.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"plain\"]");
		// exclude and eligible name v2 sessions on the far node
		v2OnA.send("[16,3,{\"exclude\":[" + v2OnB.id() + "]},\"" + V2_TOPIC + "\",[\"not for v2 on B\"]]");
		assertThat(v1OnB.next()).endsWith(",\"not for v2 on B\"]");
		assertThat(v1OnA.next()).endsWith(",\"not for v2 on B\"]");
		v2OnA.send("[16,4,{\"eligible\":[" + v2OnB.id() + "]},\"" + V2_TOPIC + "\",[\"only v2 on B\"]]");
		assertThat(tail(v2OnB.nextJson(), subscriptionOnB)).isEqualTo("[\"only v2 on B\"]");
		// authid and authrole lists cannot cross: such a publish stays on its node
		v2OnA.send("[16,6,{\"exclude_authid\":[\"nobody\"]},\"" + V2_TOPIC + "\",[\"A only\"]]");
		assertThat(v1OnA.next()).endsWith(",\"A only\"]");
		// exclude_me false across the hop is the publisher's own business: B's v2 gets it
		v2OnA.send("[16,5,{\"exclude_me\":false},\"" + V2_TOPIC + "\",[\"end\"]]");
		assertThat(tail(v2OnA.nextJson(), subscriptionOnA)).isEqualTo("[\"end\"]");
		assertThat(tail(v2OnB.nextJson(), subscriptionOnB)).isEqualTo("[\"end\"]");
		assertThat(v1OnA.next()).endsWith(",\"end\"]");
		assertThat(v1OnB.next()).endsWith(",\"end\"]");
		await().during(Duration.ofMillis(300)).atMost(WAIT)
			.until(() -> v1OnA.frames.isEmpty() && v1OnB.frames.isEmpty() && v2OnA.frames.isEmpty()
					&& v2OnB.frames.isEmpty());
	}

	private static String tail(JsonNode event, long subscription) {
		assertThat(event.get(0).intValue()).as("EVENT: %s", event).isEqualTo(36);
		assertThat(event.get(1).longValue()).isEqualTo(subscription);
		StringBuilder tail = new StringBuilder();
		for (int i = 4; i < event.size(); i++) {
			tail.append((i > 4) ? "," : "").append(event.get(i).toString());
		}
		return tail.toString();
	}

	private ConfigurableApplicationContext start() {
		// a map: a colon would end the key of a "key=value" string
		return this.nodes.start(Map.of("pubsubclub.wamp.v2.topic-prefixes.[http://example.com/chat#]", "com.example.chat."));
	}

	private WampFrameClient v1(ConfigurableApplicationContext context) throws Exception {
		return this.nodes.connect(context);
	}

	private Wamp2FrameClient v2(ConfigurableApplicationContext context) throws Exception {
		return this.nodes.closeLater(Wamp2FrameClient.join(WampClusterNodes.port(context)));
	}

}
