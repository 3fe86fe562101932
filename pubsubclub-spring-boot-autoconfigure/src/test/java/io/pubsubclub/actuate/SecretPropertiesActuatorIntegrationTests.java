package io.pubsubclub.actuate;

import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.actuate.ActuateTestNodes.Node;
import io.pubsubclub.actuate.ActuateTestNodes.Response;
import org.springframework.beans.BeanUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property of the starter named like a secret, as the configuration metadata lists
 * them (the processor's {@code META-INF/spring-configuration-metadata.json}, map values
 * expanded to their properties), is secret by {@link PubSubClubSecretSanitizer}'s rule,
 * and is hidden on {@code /actuator/env} and {@code /actuator/configprops} with values
 * shown, in every form a key takes.
 */
class SecretPropertiesActuatorIntegrationTests {

	// wider than the rule on purpose: a new property named like this must be covered
	private static final Pattern NAMED_LIKE_A_SECRET = Pattern
		.compile("(secret|password|passphrase|token|credential|private|apikey|(^|-)keys?$)");

	private final ActuateTestNodes nodes = new ActuateTestNodes();

	@AfterEach
	void close() throws Exception {
		this.nodes.close();
	}

	@Test
	void everyPropertyNamedLikeASecretInTheMetadataIsSecretByTheRule() throws Exception {
		List<String> named = namedLikeASecret();
		assertThat(named).contains("pubsubclub.link.secret", "pubsubclub.link.accepted-secrets",
				"pubsubclub.wamp.auth.users.*.secret");
		for (String name : named) {
			assertThat(PubSubClubSecretSanitizer.isSecretKey(name)).as(name).isTrue();
		}
		assertThat(PubSubClubSecretSanitizer.isSecretKey("pubsubclub.wamp.auth.users.demo.salt")).isFalse();
		assertThat(PubSubClubSecretSanitizer.isSecretKey("pubsubclub.wamp.auth.users.secret.salt")).isFalse();
		assertThat(PubSubClubSecretSanitizer.isSecretKey("other.secret")).isFalse();
	}

	@Test
	void everySecretPropertyIsHiddenOnEnvAndConfigpropsWithValuesShown() throws Exception {
		// each property of the metadata marked secret, in each form a key may take
		Map<String, String> secrets = new LinkedHashMap<>();
		int n = 0;
		for (String name : namedLikeASecret()) {
			for (String key : keyForms(name)) {
				secrets.put(key, "never-shown-" + (n++) + "-" + "x".repeat(16));
			}
		}
		List<String> properties = new ArrayList<>(List.of(
				"management.endpoints.web.exposure.include=health,pubsubclub,env,configprops",
				"management.endpoint.env.show-values=always", "management.endpoint.configprops.show-values=always",
				"pubsubclub.wamp.auth.users.salted.salt=shown-salt", "pubsubclub.wamp.auth.users.demo.call=shown-call",
				"pubsubclub.wamp.auth.users[joe@example.com].publish=shown-publish",
				"PUBSUBCLUB_WAMP_AUTH_USERS_FROMENV_SECRET=never-shown-env-variable-form",
				"TEST_WAMP_SECRET=never-shown-from-a-placeholder",
				"pubsubclub.wamp.auth.users.placeholder.secret=${TEST_WAMP_SECRET}"));
		secrets.forEach((key, value) -> properties.add(key + "=" + value));
		Node node = this.nodes.start(properties.toArray(String[]::new));
		Response env = this.nodes.get(node, "/actuator/env");
		Response configprops = this.nodes.get(node, "/actuator/configprops");
		assertThat(env.status()).isEqualTo(200);
		assertThat(configprops.status()).isEqualTo(200);
		// values are shown: a secret not sanitized would be seen
		assertThat(env.body().toString()).contains("shown-salt", "shown-call", "shown-publish");
		assertThat(configprops.body().toString()).contains("shown-salt", "shown-call", "shown-publish");
		assertThat(env.body().toString()).doesNotContain("never-shown");
		assertThat(configprops.body().toString()).doesNotContain("never-shown").contains("******");
		for (String key : secrets.keySet()) {
			assertThat(value(node, key)).as(key).isEqualTo("******");
		}
		assertThat(value(node, "TEST_WAMP_SECRET")).isEqualTo("******");
		assertThat(value(node, "pubsubclub.wamp.auth.users.salted.salt")).isEqualTo("shown-salt");
	}

	/** Every property of the metadata named like a secret; map values as {@code map.*.property}. */
	static List<String> namedLikeASecret() throws Exception {
		List<String> named = new ArrayList<>();
		for (String name : starterProperties()) {
			String last = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
			if (NAMED_LIKE_A_SECRET.matcher(last).find()) {
				named.add(name);
			}
		}
		return named;
	}

	private static List<String> starterProperties() throws Exception {
		JsonMapper json = JsonMapper.builder().build();
		List<String> names = new ArrayList<>();
		for (URL url : Collections.list(SecretPropertiesActuatorIntegrationTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			JsonNode metadata;
			try (InputStream in = url.openStream()) {
				metadata = json.readTree(in);
			}
			for (JsonNode property : metadata.path("properties")) {
				String name = property.path("name").asString();
				if (!name.startsWith("pubsubclub.")) {
					continue;
				}
				names.add(name);
				String type = property.path("type").asString();
				if (type.startsWith("java.util.Map<java.lang.String,io.pubsubclub.")) {
					String valueType = type.substring(type.indexOf(',') + 1, type.length() - 1);
					for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(Class.forName(valueType))) {
						if (descriptor.getWriteMethod() != null) {
							names.add(name + ".*." + dashed(descriptor.getName()));
						}
					}
				}
			}
		}
		assertThat(names).as("the starter's properties in the metadata").hasSizeGreaterThan(50);
		return names;
	}

	private static String dashed(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

	/** The forms a key takes: dotted, list index, map key plain and in brackets, camel case. */
	private static List<String> keyForms(String name) {
		List<String> forms = new ArrayList<>();
		if (name.contains(".*.")) {
			forms.add(name.replace(".*.", ".demo."));
			forms.add(name.replace(".*.", ".salted."));
			forms.add(name.replace(".*.", "[joe@example.com]."));
		}
		else if (name.endsWith("s")) {
			forms.add(name + "[0]");
			forms.add(name + "[1]");
		}
		else {
			forms.add(name);
		}
		return forms;
	}

	private String value(Node node, String name) throws Exception {
		Response response = this.nodes.get(node, "/actuator/env/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
		assertThat(response.status()).as(name).isEqualTo(200);
		return response.body().path("property").path("value").asString();
	}

}
