package io.pubsubclub.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.AutobahnPython;
import io.pubsubclub.wamp.WampProcedure;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Autobahn|Python, a real WAMP v2 client (Debian's python3-autobahn, run as a
 * subprocess), against two full nodes: v1 and v2 exchange events across the hop both
 * ways with the payload mapping, exclude and eligible hold across nodes, WAMP-CRA with a
 * salted and an unsalted user and a wrong secret, CALL to a bean with args and kwargs,
 * REGISTER and CALL between two clients of one node, GOODBYE and a wrong realm.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutobahnPythonInteropTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String V1_TOPIC = "http://example.com/chat#room";

	private static final String V2_TOPIC = "com.example.chat.room";

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private ConfigurableApplicationContext a;

	private ConfigurableApplicationContext b;

	@BeforeAll
	void startNodes() throws Exception {
		AutobahnPython.requireInstalled();
		this.a = start();
		this.b = start();
		link(this.a, this.b);
		link(this.b, this.a);
	}

	@AfterAll
	void stopNodes() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void v1AndV2ExchangeEventsAcrossTheHopBothWays() throws Exception {
		try (AutobahnPython subscriber = AutobahnPython.run(port(this.b), "realm1", "subscribe", V2_TOPIC, "3");
				WampFrameClient v1OnA = v1(this.a)) {
			JsonNode ready = subscriber.next();
			assertThat(ready.get("ready").booleanValue()).isTrue();
			await().atMost(WAIT).until(() -> asking(this.a, V1_TOPIC));
			v1OnA.send("[5,\"" + V1_TOPIC + "\"]");
			await().atMost(WAIT).until(() -> asking(this.b, V1_TOPIC));
			// v1 on A -> Autobahn on B: the one argument
			v1OnA.send("[7,\"" + V1_TOPIC + "\",{\"from\":\"v1\"}]");
			JsonNode first = subscriber.next();
			assertThat(first.get("args").toString()).isEqualTo("[{\"from\":\"v1\"}]");
			assertThat(first.get("kwargs").toString()).isEqualTo("{}");
			// Autobahn on A -> Autobahn on B (exact) and v1 on A (the wrapper)
			try (AutobahnPython publisher = AutobahnPython.run(port(this.a), "realm1", "publish", V2_TOPIC,
					"[1,\"two\"]", "{\"k\":3}")) {
				assertThat(publisher.next().get("published").isIntegralNumber()).isTrue();
				assertThat(publisher.exit()).isZero();
			}
			JsonNode second = subscriber.next();
			assertThat(second.get("args").toString()).isEqualTo("[1,\"two\"]");
			assertThat(second.get("kwargs").toString()).isEqualTo("{\"k\":3}");
			assertThat(v1OnA.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",{\"args\":[1,\"two\"],\"kwargs\":{\"k\":3}}]");
			// Autobahn on B -> v1 on A: one argument is the plain v1 event
			try (AutobahnPython publisher = AutobahnPython.run(port(this.b), "realm1", "publish", V2_TOPIC,
					"[\"plain\"]", "{}", "{\"exclude_me\":false}")) {
				assertThat(publisher.next().get("published").isIntegralNumber()).isTrue();
				assertThat(publisher.exit()).isZero();
			}
			assertThat(v1OnA.next()).isEqualTo("[8,\"" + V1_TOPIC + "\",\"plain\"]");
			assertThat(subscriber.next().get("args").toString()).isEqualTo("[\"plain\"]");
			assertThat(subscriber.exit()).isZero();
		}
	}

	@Test
	void excludeAndEligibleHoldAcrossNodes() throws Exception {
		try (AutobahnPython subscriber = AutobahnPython.run(port(this.b), "realm1", "subscribe", V2_TOPIC + "x", "2");
				WampFrameClient v1OnB = v1(this.b)) {
			long id = subscriber.next().get("session").longValue();
			v1OnB.send("[5,\"" + V1_TOPIC + "x\"]");
			await().atMost(WAIT).until(() -> asking(this.a, V1_TOPIC + "x"));
			publish(this.a, V2_TOPIC + "x", "[\"not for autobahn\"]", "{\"exclude\":[" + id + "]}");
			assertThat(v1OnB.next()).isEqualTo("[8,\"" + V1_TOPIC + "x\",\"not for autobahn\"]");
			publish(this.a, V2_TOPIC + "x", "[\"only autobahn\"]", "{\"eligible\":[" + id + "]}");
			assertThat(subscriber.next().get("args").toString()).isEqualTo("[\"only autobahn\"]");
			publish(this.a, V2_TOPIC + "x", "[\"for all\"]", "{}");
			assertThat(subscriber.next().get("args").toString()).isEqualTo("[\"for all\"]");
			assertThat(v1OnB.next()).isEqualTo("[8,\"" + V1_TOPIC + "x\",\"for all\"]");
			assertThat(subscriber.exit()).isZero();
		}
	}

	private static void publish(ConfigurableApplicationContext node, String topic, String args, String options)
			throws Exception {
		try (AutobahnPython publisher = AutobahnPython.run(port(node), "realm1", "publish", topic, args, "{}",
				options)) {
			assertThat(publisher.next().get("published").isIntegralNumber()).isTrue();
			assertThat(publisher.exit()).isZero();
		}
	}

	@Test
	void wampCraWithASaltedAndAnUnsaltedUserAndAWrongSecret() throws Exception {
		try (AutobahnPython alice = AutobahnPython.run(port(this.a), "realm1", "login", "alice", "alice-secret");
				AutobahnPython bob = AutobahnPython.run(port(this.a), "realm1", "login", "bob", "bob-secret");
				AutobahnPython mallory = AutobahnPython.run(port(this.a), "realm1", "login", "alice", "wrong")) {
			JsonNode aliceSaid = alice.next();
			assertThat(aliceSaid.has("welcome")).as("%s; stderr:%n%s", aliceSaid, alice.stderr()).isTrue();
			JsonNode welcome = aliceSaid.get("welcome");
			assertThat(welcome.get("authid").stringValue()).isEqualTo("alice");
			assertThat(welcome.get("authmethod").stringValue()).isEqualTo("wampcra");
			assertThat(welcome.get("authrole").stringValue()).isEqualTo("user");
			JsonNode bobSaid = bob.next();
			assertThat(bobSaid.has("welcome")).as("%s; stderr:%n%s", bobSaid, bob.stderr()).isTrue();
			assertThat(bobSaid.get("welcome").get("authid").stringValue()).isEqualTo("bob");
			assertThat(mallory.next().get("abort").stringValue()).isEqualTo("wamp.error.not_authorized");
		}
	}

	@Test
	void callsToABeanAndToAProcedureAnotherClientRegistered() throws Exception {
		try (AutobahnPython caller = AutobahnPython.run(port(this.a), "realm1", "call", "com.example.rpc.add", "[2]",
				"{\"b\":5}")) {
			JsonNode result = caller.next();
			assertThat(result.get("result").toString()).isEqualTo("[7]");
		}
		try (AutobahnPython callee = AutobahnPython.run(port(this.a), "realm1", "register", "com.example.client.sum")) {
			assertThat(callee.next().get("ready").booleanValue()).isTrue();
			try (AutobahnPython caller = AutobahnPython.run(port(this.a), "realm1", "call", "com.example.client.sum",
					"[1,2,3]", "{}")) {
				assertThat(caller.next().get("result").toString()).isEqualTo("[6]");
			}
			// not routed across the cluster
			try (AutobahnPython caller = AutobahnPython.run(port(this.b), "realm1", "call", "com.example.client.sum",
					"[1]", "{}")) {
				assertThat(caller.next().get("error").stringValue()).isEqualTo("wamp.error.no_such_procedure");
			}
		}
	}

	@Test
	void goodbyeAndAWrongRealm() throws Exception {
		try (AutobahnPython client = AutobahnPython.run(port(this.a), "realm1", "hello")) {
			assertThat(client.next().get("session").isIntegralNumber()).isTrue();
			assertThat(client.next().get("left").stringValue()).isEqualTo("wamp.close.goodbye_and_out");
			assertThat(client.exit()).isZero();
		}
		try (AutobahnPython client = AutobahnPython.run(port(this.a), "realm2", "hello")) {
			assertThat(client.next().get("left").stringValue()).isEqualTo("wamp.error.no_such_realm");
		}
	}

	private static boolean asking(ConfigurableApplicationContext producer, String topic) {
		return producer.getBean(ClusterNode.class)
			.state()
			.links()
			.stream()
			.anyMatch((link) -> link.farRole() == ClusterState.Role.CONSUMER
					&& link.status() == ClusterState.Status.READY && link.topics().contains(topic));
	}

	private void link(ConfigurableApplicationContext from, ConfigurableApplicationContext to) {
		from.getBean(ClusterNode.class)
			.peers()
			.add(new PeerAddress("127.0.0.1", to.getBean(ClusterNode.class).serverPort()));
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static WampFrameClient v1(ConfigurableApplicationContext context) throws Exception {
		return new WampFrameClient(URI.create("ws://127.0.0.1:" + port(context) + "/wamp"));
	}

	private ConfigurableApplicationContext start() {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("server.port=0", "server.address=127.0.0.1", "pubsubclub.producer.enabled=true",
					"pubsubclub.consumer.enabled=true", "pubsubclub.server.address=127.0.0.1",
					"pubsubclub.server.port=0", "logging.level.root=warn", "logging.level.io.pubsubclub=info",
					"pubsubclub.wamp.auth.users.alice.secret=alice-secret",
					// bob's salted secret "bob-secret": the server keeps only the derived key
					"pubsubclub.wamp.auth.users.bob.secret=Aa0ljOJoNqV3zKtxR5FWfeTC+STEMaAT5PgRfV1rbXU=",
					"pubsubclub.wamp.auth.users.bob.salt=pepper",
					"pubsubclub.wamp.auth.users.bob.iterations=100", "pubsubclub.wamp.auth.failure-delay=0s")
			.properties(Map.of("pubsubclub.wamp.v2.topic-prefixes.[http://example.com/chat#]", "com.example.chat.",
					"pubsubclub.wamp.v2.topic-prefixes.[http://example.com/rpc#]", "com.example.rpc."))
			.run();
		this.contexts.add(context);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

		@Bean
		Procedures procedures() {
			return new Procedures();
		}

	}

	static class Procedures {

		@WampProcedure("http://example.com/rpc#add")
		int add(int a, int b) {
			return a + b;
		}

	}

}
