package io.pubsubclub.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.WampFrameClient;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full nodes (Boot web applications with the actuator, on random ports) in this JVM, an
 * HTTP client for their actuator, and WAMP clients; all closed at the end.
 */
final class ActuateTestNodes implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Node> nodes = new ArrayList<>();

	private final List<WampFrameClient> clients = new ArrayList<>();

	Node start(String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"pubsubclub.producer.enabled=true", "pubsubclub.consumer.enabled=true",
				"pubsubclub.server.address=127.0.0.1", "pubsubclub.server.port=0",
				"pubsubclub.link.reconnect-delay=100ms", "pubsubclub.link.max-reconnect-delay=300ms",
				"management.endpoints.web.exposure.include=health,pubsubclub,metrics",
				"management.endpoint.health.show-details=always", "logging.level.root=warn",
				"logging.level.io.pubsubclub=info"));
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(all.toArray(String[]::new))
			.run();
		Node node = new Node(context);
		this.nodes.add(node);
		return node;
	}

	/** Every node dials every other node's cluster server. */
	static void mesh(Node... nodes) {
		for (Node node : nodes) {
			for (Node other : nodes) {
				if (node != other) {
					Objects.requireNonNull(node.cluster().peers()).add(other.clusterAddress());
				}
			}
		}
	}

	Response get(Node node, String path) throws Exception {
		return send(HttpRequest.newBuilder(node.uri(path)).GET());
	}

	Response post(Node node, String path) throws Exception {
		return send(HttpRequest.newBuilder(node.uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
	}

	private Response send(HttpRequest.Builder request) throws Exception {
		HttpResponse<String> response = this.http.send(request.timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		String body = response.body();
		return new Response(response.statusCode(),
				(body == null || body.isEmpty()) ? json.nullNode() : json.readTree(body));
	}

	WampFrameClient wamp(Node node) throws Exception {
		WampFrameClient client = new WampFrameClient(URI.create("ws://127.0.0.1:" + node.httpPort() + "/wamp"));
		this.clients.add(client);
		return client;
	}

	@Override
	public void close() throws Exception {
		for (WampFrameClient client : this.clients) {
			client.close();
		}
		for (Node node : this.nodes) {
			node.context().close();
		}
	}

	record Response(int status, JsonNode body) {
	}

	record Node(ConfigurableApplicationContext context) {

		ClusterNode cluster() {
			return this.context.getBean(ClusterNode.class);
		}

		PeerAddress clusterAddress() {
			return new PeerAddress("127.0.0.1", Objects.requireNonNull(cluster().serverPort()));
		}

		int httpPort() {
			return ((WebServerApplicationContext) this.context).getWebServer().getPort();
		}

		URI uri(String path) {
			return URI.create("http://127.0.0.1:" + httpPort() + path);
		}

		void stop() {
			this.context.close();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NodeApplication {

		@Bean
		@ConditionalOnBooleanProperty("test.broken")
		HealthIndicator brokenHealthIndicator() {
			return () -> Health.down().withDetail("test", "broken on purpose").build();
		}

	}

}
