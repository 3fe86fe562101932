package io.pubsubclub.wamp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WAMP v1 server end to end: a real Boot application on a random port, real
 * WebSocket clients.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.server-ident=TestServer/1" })
class WampServerIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampTestApplication.Procedures procedures;

	@Test
	void welcomeCarriesRandomSessionIdVersionOneAndServerIdent() throws Exception {
		try (WampTestClient a = WampTestClient.connect(this.port); WampTestClient b = WampTestClient.connect(this.port)) {
			assertThat(a.id()).matches("[A-Za-z0-9_-]{16}");
			assertThat(b.id()).matches("[A-Za-z0-9_-]{16}").isNotEqualTo(a.id());
			assertThat(a.webSocket().getAcceptedProtocol()).isEqualTo("wamp");
			// [0, sessionId, protocolVersion, serverIdent]: version 1, the configured ident
			assertThat(a.welcome()).hasSize(4);
			assertThat(a.welcome().get(2).isInt()).isTrue();
			assertThat(a.welcome().get(2).intValue()).isOne();
			assertThat(a.welcome().get(3).stringValue()).isEqualTo("TestServer/1");
			assertThat(b.welcome().get(3).stringValue()).isEqualTo("TestServer/1");
			await().until(() -> this.server.getSessionCount() >= 2);
		}
	}

	@Test
	void callWithObjectArrayPrimitiveAndNullArguments() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "c1", "http://example.com/rpc#add", 2, 3);
			assertThat(client.nextText()).isEqualTo("[3,\"c1\",5]");
			client.send(2, "c2", "http://example.com/rpc#norm1", Map.of("x", -3, "y", 4));
			assertThat(client.nextText()).isEqualTo("[3,\"c2\",7]");
			client.send(2, "c3", "http://example.com/rpc#sum", List.of(1, 2, 3));
			assertThat(client.nextText()).isEqualTo("[3,\"c3\",6]");
			client.send(2, "c4", "http://example.com/rpc#keys", Map.of("b", 1, "a", 2));
			assertThat(client.nextText()).isEqualTo("[3,\"c4\",[\"a\",\"b\"]]");
			client.sendText("[2,\"c5\",\"http://example.com/rpc#isNull\",null]");
			assertThat(client.nextText()).isEqualTo("[3,\"c5\",true]");
			client.sendText("[2,\"c6\",\"http://example.com/rpc#echo\",null]");
			assertThat(client.nextText()).isEqualTo("[3,\"c6\",null]");
			client.sendText("[2,\"c7\",\"http://example.com/rpc#echo\",{\"a\":[1,\"x\",{\"b\":null}]}]");
			assertThat(client.nextText()).isEqualTo("[3,\"c7\",{\"a\":[1,\"x\",{\"b\":null}]}]");
			client.send(2, "c8", "http://example.com/rpc#nothing");
			assertThat(client.nextText()).isEqualTo("[3,\"c8\",null]");
		}
	}

	@Test
	void callGetsTheCallingSession() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(1, "rpc", "http://example.com/rpc#");
			client.send(2, "w", "rpc:whoami", "hi");
			JsonNode result = client.next();
			assertThat(result.get(0).intValue()).isEqualTo(3);
			assertThat(result.get(2).get("greeting").stringValue()).isEqualTo("hi");
			assertThat(result.get(2).get("id").stringValue()).isEqualTo(client.id());
			assertThat(result.get(2).get("prefixes").get("rpc").stringValue()).isEqualTo("http://example.com/rpc#");
		}
	}

	@Test
	void applicationExceptionBecomesGenericCallErrorWithoutStackTrace() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "f", "http://example.com/rpc#fail");
			assertThat(client.nextText()).isEqualTo("[4,\"f\",\"http://api.wamp.ws/error#generic\",\"boom\"]");
		}
	}

	@Test
	void wampRpcExceptionGivesItsUriDescriptionAndDetails() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "r", "http://example.com/rpc#refuse");
			assertThat(client.nextText())
				.isEqualTo("[4,\"r\",\"http://example.com/error#refused\",\"not today\",{\"retryAfter\":5}]");
		}
	}

	@Test
	void unknownProcedureIsNoSuchRpcEndpoint() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "u", "http://example.com/rpc#missing", 1);
			assertThat(client.nextText()).isEqualTo(
					"[4,\"u\",\"http://api.wamp.ws/error#NoSuchRPCEndpoint\",\"No RPC endpoint registered for http://example.com/rpc#missing.\"]");
		}
	}

	@Test
	void wrongArgumentCountOrTypeIsInvalidArgument() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "a1", "http://example.com/rpc#add", 1);
			JsonNode error = client.next();
			assertThat(error.get(0).intValue()).isEqualTo(4);
			assertThat(error.get(1).stringValue()).isEqualTo("a1");
			assertThat(error.get(2).stringValue()).isEqualTo("http://api.wamp.ws/error#invalid-argument");
			assertThat(error.get(3).stringValue()).contains("takes 2 argument(s), 1 given");
			client.send(2, "a2", "http://example.com/rpc#add", "one", List.of());
			error = client.next();
			assertThat(error.get(2).stringValue()).isEqualTo("http://api.wamp.ws/error#invalid-argument");
			client.sendText("[2,\"a3\",\"http://example.com/rpc#add\",null,1]");
			error = client.next();
			assertThat(error.get(1).stringValue()).isEqualTo("a3");
			assertThat(error.get(2).stringValue()).isEqualTo("http://api.wamp.ws/error#invalid-argument");
			client.send(2, "a4", "http://example.com/rpc#add", 1, 2);
			assertThat(client.nextText()).isEqualTo("[3,\"a4\",3]");
		}
	}

	@Test
	void slowCallDoesNotHoldUpAFasterOne() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "slow", "http://example.com/rpc#slow");
			client.send(2, "fast", "http://example.com/rpc#echo", "quick");
			assertThat(client.nextText()).isEqualTo("[3,\"fast\",\"quick\"]");
			this.procedures.slowRelease.countDown();
			assertThat(client.nextText()).isEqualTo("[3,\"slow\",\"slow\"]");
		}
	}

}
