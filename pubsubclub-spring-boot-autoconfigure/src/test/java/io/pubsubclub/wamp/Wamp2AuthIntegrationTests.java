package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.Wamp2FrameClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP-CRA for v2 sessions, as raw frames, where authentication is required: the same
 * users and permissions as v1, anonymous refused, one try.
 */
@SpringBootTest(classes = WampAuthTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "pubsubclub.wamp.auth.required=true", "pubsubclub.wamp.auth.failure-delay=0s",
				"pubsubclub.wamp.v2.topic-prefixes.[http\\://example.com/chat#]=com.example.chat." })
class Wamp2AuthIntegrationTests {

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void users(DynamicPropertyRegistry registry) {
		WampAuthTestApplication.registerUsers(registry);
	}

	@Test
	void anonymousIsRefusedWhereAuthenticationIsRequired() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			client.hello("realm1");
			JsonNode abort = client.nextJson();
			assertThat(abort.get(0).intValue()).isEqualTo(3);
			assertThat(abort.get(2).stringValue()).isEqualTo("wamp.error.not_authorized");
			await().until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
		}
	}

	@Test
	void theRightSignatureJoinsWithTheUsersPermissions() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			JsonNode challenge = challenge(client, "joe");
			String text = challenge.get(2).get("challenge").stringValue();
			JsonNode fields = Wamp2FrameClient.JSON.readTree(text);
			assertThat(fields.get("authid").stringValue()).isEqualTo("joe");
			assertThat(fields.get("authmethod").stringValue()).isEqualTo("wampcra");
			assertThat(fields.get("nonce").stringValue()).isNotEmpty();
			assertThat(challenge.get(2).has("salt")).isFalse();
			client.send("[5," + Wamp2FrameClient.JSON.writeValueAsString(WampCraTestSupport.hmac("joe-secret", text))
					+ ",{}]");
			JsonNode welcome = client.nextJson();
			assertThat(welcome.get(0).intValue()).as("WELCOME: %s", welcome).isEqualTo(2);
			assertThat(welcome.get(1).longValue()).isEqualTo(fields.get("session").longValue());
			assertThat(welcome.get(2).get("authid").stringValue()).isEqualTo("joe");
			assertThat(welcome.get(2).get("authmethod").stringValue()).isEqualTo("wampcra");
			// joe's v1 permissions: the chat topics, not the rest
			assertThat(client.subscribe("com.example.chat.room1")).isPositive();
			client.send("[32,9,{},\"com.example.other\"]");
			JsonNode refused = client.nextJson();
			assertThat(refused.get(0).intValue()).isEqualTo(8);
			assertThat(refused.get(4).stringValue()).isEqualTo("wamp.error.not_authorized");
		}
	}

	@Test
	void aWrongSignatureOrAnUnknownAuthidIsAborted() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			challenge(client, "joe");
			client.send("[5,\"d3Jvbmc=\",{}]");
			assertNotAuthorized(client);
		}
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			client.send("[1,\"realm1\",{\"roles\":{\"subscriber\":{}},\"authmethods\":[\"wampcra\"],\"authid\":\"nobody\"}]");
			assertNotAuthorized(client);
		}
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			challenge(client, "joe");
			// anything but AUTHENTICATE while challenged
			client.send("[32,1,{},\"com.example.chat.room1\"]");
			JsonNode abort = client.nextJson();
			assertThat(abort.get(2).stringValue()).isEqualTo("wamp.error.protocol_violation");
		}
	}

	private static JsonNode challenge(Wamp2FrameClient client, String authid) throws Exception {
		client.send("[1,\"realm1\",{\"roles\":{\"subscriber\":{}},\"authmethods\":[\"wampcra\"],\"authid\":\"" + authid
				+ "\"}]");
		JsonNode challenge = client.nextJson();
		assertThat(challenge.get(0).intValue()).as("CHALLENGE: %s", challenge).isEqualTo(4);
		assertThat(challenge.get(1).stringValue()).isEqualTo("wampcra");
		return challenge;
	}

	private static void assertNotAuthorized(Wamp2FrameClient client) throws Exception {
		JsonNode abort = client.nextJson();
		assertThat(abort.get(0).intValue()).as("ABORT: %s", abort).isEqualTo(3);
		assertThat(abort.get(2).stringValue()).isEqualTo("wamp.error.not_authorized");
		await().until(() -> client.closeStatus() != null);
		assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.POLICY_VIOLATION.getCode());
	}

}
