package io.pubsubclub.wamp;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict binding of CALL arguments: no truncation, no coercion between strings, numbers
 * and booleans; separate arguments for varargs; CALLERROR descriptions without internal
 * messages or class names.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1" })
class WampRpcBindingIntegrationTests {

	@LocalServerPort
	int port;

	private static void assertInvalidArgument(JsonNode error, String callId) {
		assertThat(error.get(0).intValue()).isEqualTo(4);
		assertThat(error.get(1).stringValue()).isEqualTo(callId);
		assertThat(error.get(2).stringValue()).isEqualTo(WampWebSocketHandler.ERROR_INVALID_ARGUMENT);
		assertNoInternals(error.get(3).stringValue());
	}

	private static void assertNoInternals(String description) {
		assertThat(description).doesNotContain("java.", "tools.jackson", "Cannot", "`", "Exception", "<parameter");
	}

	@Test
	void aFractionForAnIntIsInvalidNotTruncated() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "f", "http://example.com/rpc#add", 1.9, 2);
			JsonNode error = client.next();
			assertInvalidArgument(error, "f");
			assertThat(error.get(3).stringValue()).isEqualTo("Argument 1 of http://example.com/rpc#add must be an integer.");
			// a whole number written as a float is still a fraction's notation: refused too
			client.sendText("[2,\"g\",\"http://example.com/rpc#add\",2.0,2]");
			assertInvalidArgument(client.next(), "g");
		}
	}

	@Test
	void aStringForANumberOrBooleanIsInvalidNotCoerced() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "s", "http://example.com/rpc#add", "3", 2);
			assertInvalidArgument(client.next(), "s");
			client.send(2, "d", "http://example.com/rpc#half", "3");
			assertInvalidArgument(client.next(), "d");
			client.send(2, "b", "http://example.com/rpc#flag", "true");
			assertInvalidArgument(client.next(), "b");
			client.send(2, "n", "http://example.com/rpc#flag", 1);
			assertInvalidArgument(client.next(), "n");
			client.send(2, "t", "http://example.com/rpc#concat", 3);
			assertInvalidArgument(client.next(), "t");
			// an int for a double widens without loss
			client.send(2, "h", "http://example.com/rpc#half", 3);
			assertThat(client.nextText()).isEqualTo("[3,\"h\",1.5]");
		}
	}

	@Test
	void varargsTakeSeparateArgumentsAsAutobahnSendsThem() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "c3", "http://example.com/rpc#concat", "a", "b", "c");
			assertThat(client.nextText()).isEqualTo("[3,\"c3\",\"abc\"]");
			client.send(2, "c0", "http://example.com/rpc#concat");
			assertThat(client.nextText()).isEqualTo("[3,\"c0\",\"\"]");
			client.send(2, "c1", "http://example.com/rpc#concat", List.of("x", "y"));
			assertThat(client.nextText()).isEqualTo("[3,\"c1\",\"xy\"]");
			client.send(2, "p", "http://example.com/rpc#prefixConcat", 2, "a", "b");
			assertThat(client.nextText()).isEqualTo("[3,\"p\",\"2ab\"]");
			client.send(2, "p0", "http://example.com/rpc#prefixConcat");
			JsonNode error = client.next();
			assertInvalidArgument(error, "p0");
			assertThat(error.get(3).stringValue()).contains("takes at least 1 argument(s), 0 given");
		}
	}

	@Test
	void callErrorDescriptionsCarryNoInternalMessagesOrClassNames() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.sendText("[2,\"n\",\"http://example.com/rpc#size\",null]");
			JsonNode error = client.next();
			assertThat(error.get(2).stringValue()).isEqualTo(WampWebSocketHandler.ERROR_GENERIC);
			assertNoInternals(error.get(3).stringValue());
			assertThat(error.size()).isEqualTo(4);
			client.send(2, "f", "http://example.com/rpc#fail");
			error = client.next();
			assertThat(error.get(3).stringValue()).doesNotContain("boom").doesNotContain("IllegalState");
			client.send(2, "o", "http://example.com/rpc#norm1", java.util.Map.of("x", "one"));
			assertInvalidArgument(client.next(), "o");
			client.send(2, "l", "http://example.com/rpc#sum", List.of("a"));
			assertInvalidArgument(client.next(), "l");
		}
	}

}
