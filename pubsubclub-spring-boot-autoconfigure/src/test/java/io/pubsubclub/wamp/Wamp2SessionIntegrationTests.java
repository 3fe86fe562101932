package io.pubsubclub.wamp;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.Wamp2FrameClient;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WAMP v2 sessions on the v1 endpoint: subprotocol negotiation, HELLO, WELCOME, ABORT,
 * GOODBYE, and malformed v2 messages as raw frames.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.server-ident=TestServer/2" })
class Wamp2SessionIntegrationTests extends WampServerTestBase {

	@Test
	void theServerPicksFromTheClientsListInTheClientsOrder() throws Exception {
		try (Wamp2FrameClient v2First = Wamp2FrameClient.connect(this.port, List.of("wamp.2.json", "wamp"));
				Wamp2FrameClient v1First = Wamp2FrameClient.connect(this.port, List.of("wamp", "wamp.2.json"))) {
			assertThat(v2First.acceptedProtocol()).isEqualTo("wamp.2.json");
			assertThat(v1First.acceptedProtocol()).isEqualTo("wamp");
			// a v1 session is greeted at once; a v2 one waits for HELLO
			assertThat(v1First.next()).startsWith("[0,\"");
			v2First.hello("realm1");
			assertThat(v2First.nextJson().get(0).intValue()).isEqualTo(2);
			await().untilAsserted(() -> {
				assertThat(this.metrics.getSessionsOpen(WampProtocol.V1)).isGreaterThanOrEqualTo(1);
				assertThat(this.metrics.getSessionsOpen(WampProtocol.V2)).isGreaterThanOrEqualTo(1);
			});
		}
	}

	@Test
	void welcomeAnnouncesTheSessionAndExactlyTheRolesAndFeaturesImplemented() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			client.hello("realm1");
			JsonNode welcome = client.nextJson();
			assertThat(welcome.size()).isEqualTo(3);
			assertThat(welcome.get(0).intValue()).isEqualTo(2);
			long id = welcome.get(1).longValue();
			assertThat(welcome.get(1).isIntegralNumber()).isTrue();
			assertThat(id).isBetween(1L, 1L << 53);
			assertThat(this.server.hasSession(Long.toString(id))).isTrue();
			JsonNode details = welcome.get(2);
			assertThat(details.get("realm").stringValue()).isEqualTo("realm1");
			assertThat(details.get("authmethod").stringValue()).isEqualTo("anonymous");
			assertThat(details.get("authrole").stringValue()).isEqualTo("anonymous");
			assertThat(details.get("agent").stringValue()).isEqualTo("TestServer/2");
			assertThat(Set.copyOf(details.get("roles").propertyNames())).containsExactlyInAnyOrder("broker", "dealer");
			assertThat(details.get("roles").get("dealer").get("features").isEmpty()).isTrue();
			assertThat(Set.copyOf(details.get("roles").get("broker").get("features").propertyNames()))
				.containsExactlyInAnyOrder("publisher_exclusion", "subscriber_blackwhite_listing",
						"publisher_identification");
		}
	}

	@Test
	void aHelloForAnotherRealmIsAborted() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.connect(this.port)) {
			client.hello("realm2");
			JsonNode abort = client.nextJson();
			assertThat(abort.get(0).intValue()).isEqualTo(3);
			assertThat(abort.get(2).stringValue()).isEqualTo("wamp.error.no_such_realm");
			await().until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.NORMAL.getCode());
		}
	}

	@Test
	void goodbyeIsAnsweredAndTheSessionEnds() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.join(this.port)) {
			client.send("[6,{},\"wamp.close.close_realm\"]");
			assertThat(client.next()).isEqualTo("[6,{},\"wamp.close.goodbye_and_out\"]");
			await().until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.NORMAL.getCode());
			await().until(() -> !this.server.hasSession(Long.toString(client.id())));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{\"a\":1}", "[]", "[\"1\",\"realm1\",{}]", "[99,1]", "[-1]",
			"[1,\"realm1\"]", "[1,\"realm1\",{}]", "[1,\"realm1\",{\"roles\":[]}]", "[1,5,{\"roles\":{\"caller\":{}}}]",
			"[1,\"realm1\",{\"roles\":{\"caller\":{}}},4]", "[32,1,{},\"com.example.t\"]", "[16,1,{},\"com.example.t\"]",
			"[6,{},\"wamp.close.close_realm\"]", "[5,\"sig\",{}]", "[2,1,{}]", "[36,1,1,{}]" })
	void beforeWelcomeAMalformedOrMisplacedMessageAbortsTheSession(String frame) throws Exception {
		assertViolation(false, frame);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[1,\"realm1\",{\"roles\":{\"caller\":{}}}]", "[32,0,{},\"com.example.t\"]",
			"[32,9007199254740993,{},\"com.example.t\"]", "[32,1.5,{},\"com.example.t\"]",
			"[32,\"1\",{},\"com.example.t\"]", "[32,1,[],\"com.example.t\"]", "[32,1,{},5]", "[32,1,{}]",
			"[32,1,{},\"com.example.t\",[]]", "[34,1]", "[34,1,-4]", "[16,1,{}]", "[16,1,{},\"t\",{}]",
			"[16,1,{},\"t\",[],[]]", "[16,1,{},\"t\",[],{},{}]", "[6,{}]", "[6,[],\"wamp.close.close_realm\"]",
			"[2,1,{}]", "[33,1,1]", "[36,1,1,{}]", "[77]", "[8]", "not json" })
	void afterWelcomeAMalformedMessageAbortsTheSession(String frame) throws Exception {
		assertViolation(true, frame);
	}

	private void assertViolation(boolean joined, String frame) throws Exception {
		long before = totalBadFrames();
		try (Wamp2FrameClient bystander = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient client = joined ? Wamp2FrameClient.join(this.port)
						: Wamp2FrameClient.connect(this.port)) {
			client.send(frame);
			JsonNode abort = client.nextJson();
			assertThat(abort.get(0).intValue()).as("ABORT for %s", frame).isEqualTo(3);
			assertThat(abort.get(2).stringValue()).isEqualTo("wamp.error.protocol_violation");
			assertThat(abort.get(1).get("message").stringValue()).isNotEmpty();
			await().until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.PROTOCOL_ERROR.getCode());
			assertThat(client.closeStatus().getReason()).startsWith("protocol error: ");
			assertThat(totalBadFrames()).isEqualTo(before + 1);
			// the bystander is still served
			long subscription = bystander.subscribe("com.example.alive");
			assertThat(subscription).isPositive();
		}
	}

	private long totalBadFrames() {
		long total = 0;
		for (BadFrame kind : BadFrame.values()) {
			total += this.metrics.getBadFrames(kind);
		}
		return total;
	}

}
