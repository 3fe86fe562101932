package io.pubsubclub.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.cluster.WampFrameClient;
import io.pubsubclub.support.Wamp2FrameClient;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Full nodes (Boot web applications: the WAMP server, the Redis backplane, the
 * actuator) on one real redis-server: a WAMP client on one node publishes, a WAMP client
 * on the other receives; the health, endpoint and meters show the backplane; and while
 * Redis is down, the health is DEGRADED and local delivery goes on.
 */
class RedisWampEndToEndTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String TOPIC = "http://example.com/redis#wamp";

	private static final String V2_TOPIC = "com.example.redis.wamp";

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final RedisServers redis = new RedisServers();

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	private final List<WampFrameClient> clients = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (WampFrameClient client : this.clients) {
			client.close();
		}
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.redis.close();
	}

	@Test
	void wampPublishCrossesRedisAndTheActuatorShowsTheBackplane() throws Exception {
		RedisServers.Server server = this.redis.start();
		ConfigurableApplicationContext a = start(server.port());
		ConfigurableApplicationContext b = start(server.port());
		WampFrameClient publisher = connect(a);
		WampFrameClient subscriber = connect(b);
		WampFrameClient localSubscriber = connect(b);
		subscriber.send("[5,\"" + TOPIC + "\"]");
		localSubscriber.send("[5,\"" + TOPIC + "\"]");
		await().atMost(WAIT).until(() -> get(b, "/actuator/health/pubsubclub").path("details").path("channels").asInt() == 1
				&& get(b, "/actuator/health/pubsubclub").path("details").path("recovering").asInt() == 0);
		publisher.send("[7,\"" + TOPIC + "\",{\"n\":1}]");
		assertThat(subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"n\":1}]");
		assertThat(localSubscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"n\":1}]");

		JsonNode health = get(b, "/actuator/health/pubsubclub");
		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("details").path("mode").asString()).isEqualTo("pubsub");
		assertThat(health.path("details").path("endpoint").asString()).isEqualTo("127.0.0.1:" + server.port());
		JsonNode endpoint = get(b, "/actuator/pubsubclub");
		assertThat(endpoint.path("cluster").isMissingNode() || endpoint.path("cluster").isNull()).isTrue();
		assertThat(endpoint.path("redis").path("someChannels").get(0).asString()).isEqualTo("pubsubclub:{" + TOPIC + "}");
		assertThat(endpoint.path("redis").path("received").asLong()).isOne();
		assertThat(metric(b, "pubsubclub.redis.received")).isEqualTo(1.0);
		assertThat(metric(a, "pubsubclub.redis.published")).isEqualTo(1.0);
		assertThat(metric(b, "pubsubclub.cluster.gaps")).isEqualTo(0.0);

		// Redis gone: DEGRADED (HTTP 200), and the node still serves its own clients
		server.kill();
		await().atMost(WAIT).until(() -> "DEGRADED".equals(get(b, "/actuator/health").path("status").asString()));
		assertThat(this.http.send(request(b, "/actuator/health"), HttpResponse.BodyHandlers.ofString()).statusCode())
			.isEqualTo(200);
		subscriber.send("[7,\"" + TOPIC + "\",\"local\",true]");
		assertThat(localSubscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",\"local\"]");
		server.start();
		await().atMost(WAIT).until(() -> "UP".equals(get(b, "/actuator/health").path("status").asString()));
		assertThat(get(b, "/actuator/pubsubclub").path("redis").path("reconnects").asLong()).isPositive();
	}

	@Test
	void aV2PublishCrossesRedisAsV2ForV2SubscribersAndMappedForV1Ones() throws Exception {
		RedisServers.Server server = this.redis.start();
		String v2 = "--pubsubclub.wamp.v2.topic-prefixes.[http://example.com/redis#]=com.example.redis.";
		ConfigurableApplicationContext a = start(server.port(), v2);
		ConfigurableApplicationContext b = start(server.port(), v2);
		try (Wamp2FrameClient publisher = Wamp2FrameClient.join(port(a));
				Wamp2FrameClient v2Subscriber = Wamp2FrameClient.join(port(b))) {
			WampFrameClient v1Subscriber = connect(b);
			long subscription = v2Subscriber.subscribe(V2_TOPIC);
			v1Subscriber.send("[5,\"" + TOPIC + "\"]");
			await().atMost(WAIT).until(() -> get(b, "/actuator/health/pubsubclub").path("details").path("channels").asInt() == 1
					&& get(b, "/actuator/health/pubsubclub").path("details").path("recovering").asInt() == 0);
			publisher.send("[16,1,{},\"" + V2_TOPIC + "\",[1,\"two\"],{\"k\":true}]");
			assertThat(v1Subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"args\":[1,\"two\"],\"kwargs\":{\"k\":true}}]");
			JsonNode event = v2Subscriber.nextJson();
			assertThat(event.get(0).intValue()).as("EVENT: %s", event).isEqualTo(36);
			assertThat(event.get(1).longValue()).isEqualTo(subscription);
			assertThat(event.size()).as("EVENT: %s", event).isEqualTo(6);
			assertThat(event.get(4).toString()).isEqualTo("[1,\"two\"]");
			assertThat(event.get(5).toString()).isEqualTo("{\"k\":true}");
			// one argument and no keywords is a v1 event: no wrapper on either side
			publisher.send("[16,2,{},\"" + V2_TOPIC + "\",[{\"a\":1}]]");
			assertThat(v1Subscriber.next()).isEqualTo("[8,\"" + TOPIC + "\",{\"a\":1}]");
			event = v2Subscriber.nextJson();
			assertThat(event.size()).as("EVENT: %s", event).isEqualTo(5);
			assertThat(event.get(4).toString()).isEqualTo("[{\"a\":1}]");
		}
	}

	private ConfigurableApplicationContext start(int redisPort, String... args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("server.port=0", "server.address=127.0.0.1",
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
					"pubsubclub.redis.enabled=true", "management.endpoints.web.exposure.include=health,pubsubclub,metrics",
					"management.endpoint.health.show-details=always", "management.health.redis.enabled=false",
					"logging.level.root=warn", "logging.level.io.pubsubclub=info")
			// over the module's test application.properties, which keeps Spring Data
			// Redis away from the other tests
			.run(java.util.stream.Stream.concat(java.util.stream.Stream.of("--spring.autoconfigure.exclude="),
					java.util.stream.Stream.of(args))
				.toArray(String[]::new));
		this.contexts.add(context);
		return context;
	}

	private WampFrameClient connect(ConfigurableApplicationContext context) throws Exception {
		WampFrameClient client = new WampFrameClient(URI.create("ws://127.0.0.1:" + port(context) + "/wamp"));
		this.clients.add(client);
		return client;
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private HttpRequest request(ConfigurableApplicationContext context, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(context) + path))
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	private JsonNode get(ConfigurableApplicationContext context, String path) throws Exception {
		return json.readTree(this.http.send(request(context, path), HttpResponse.BodyHandlers.ofString()).body());
	}

	private double metric(ConfigurableApplicationContext context, String name) throws Exception {
		return get(context, "/actuator/metrics/" + name).path("measurements").get(0).path("value").asDouble();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

	}

}
