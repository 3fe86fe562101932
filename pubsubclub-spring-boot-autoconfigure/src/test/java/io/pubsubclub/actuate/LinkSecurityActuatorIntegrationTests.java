package io.pubsubclub.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.actuate.ActuateTestNodes.Node;
import io.pubsubclub.actuate.ActuateTestNodes.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster secrets never show in the actuator, even with values shown; refusals are
 * in the endpoint and the meter.
 */
class LinkSecurityActuatorIntegrationTests {

	private static final String SECRET = "the secret from the environment";

	private static final String OLD = "the secret before the rotation";

	private final ActuateTestNodes nodes = new ActuateTestNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	private Node node() {
		return this.nodes.start("TEST_CLUSTER_SECRET=" + SECRET, "pubsubclub.link.secret=${TEST_CLUSTER_SECRET}",
				"pubsubclub.link.accepted-secrets[0]=" + OLD,
				"management.endpoints.web.exposure.include=health,pubsubclub,metrics,env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always");
	}

	@Test
	void envAndConfigpropsShowOtherValuesButNeverTheSecrets() throws Exception {
		Node node = node();
		// values are shown: the test would see a secret that was not sanitized
		assertThat(value(node, "pubsubclub.server.address")).isEqualTo("127.0.0.1");
		assertThat(value(node, "pubsubclub.link.secret")).isEqualTo("******");
		assertThat(value(node, "pubsubclub.link.accepted-secrets%5B0%5D")).isEqualTo("******");
		assertThat(value(node, "TEST_CLUSTER_SECRET")).isEqualTo("******");
		Response env = this.nodes.get(node, "/actuator/env");
		assertThat(env.status()).isEqualTo(200);
		assertThat(env.body().toString()).contains("127.0.0.1").doesNotContain(SECRET).doesNotContain(OLD);
		Response configprops = this.nodes.get(node, "/actuator/configprops");
		assertThat(configprops.status()).isEqualTo(200);
		assertThat(configprops.body().toString()).contains("pingInterval")
			.contains("******")
			.doesNotContain(SECRET)
			.doesNotContain(OLD);
	}

	@Test
	void refusalsShowInTheEndpointAndTheMeter() throws Exception {
		Node node = node();
		HttpClient http = HttpClient.newHttpClient();
		HttpResponse<String> refused = http.send(
				HttpRequest.newBuilder(URI.create("http://" + node.clusterAddress() + "/"))
					.timeout(Duration.ofSeconds(10))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(refused.statusCode()).isEqualTo(401);
		Response response = this.nodes.get(node, "/actuator/pubsubclub");
		JsonNode security = response.body().path("cluster").path("security");
		assertThat(security.path("authenticated").asBoolean()).isTrue();
		assertThat(security.path("acceptedSecrets").asInt()).isEqualTo(2);
		assertThat(security.path("refusals").path("missing").asLong()).isOne();
		assertThat(security.path("refusals").path("bad-mac").asLong()).isZero();
		// absent: plain text
		assertThat(security.path("serverSslBundle").isString()).isFalse();
		assertThat(response.body().toString()).doesNotContain(SECRET).doesNotContain(OLD);
		Response meter = this.nodes.get(node, "/actuator/metrics/pubsubclub.cluster.link.refusals?tag=reason:missing");
		assertThat(meter.status()).isEqualTo(200);
		assertThat(meter.body().path("measurements").get(0).path("value").asDouble()).isEqualTo(1.0);
	}

	private String value(Node node, String name) throws Exception {
		Response response = this.nodes.get(node, "/actuator/env/" + name);
		assertThat(response.status()).as(name).isEqualTo(200);
		return response.body().path("property").path("value").asString();
	}

}
