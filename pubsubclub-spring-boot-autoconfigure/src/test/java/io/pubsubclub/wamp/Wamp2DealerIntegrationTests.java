package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.support.Wamp2FrameClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAMP v2 dealer: CALLs to the {@link WampProcedure} beans with positional and
 * keyword arguments, and REGISTER, INVOCATION, YIELD between v2 clients of one node.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.limits.calls-per-session=2" })
class Wamp2DealerIntegrationTests {

	@LocalServerPort
	int port;

	@org.springframework.test.context.DynamicPropertySource
	static void prefixes(org.springframework.test.context.DynamicPropertyRegistry registry) {
		registry.add("pubsubclub.wamp.v2.topic-prefixes[http://example.com/rpc#]", () -> "com.example.rpc.");
		registry.add("pubsubclub.wamp.v2.topic-prefixes[http://example.com/error#]", () -> "com.example.error.");
	}

	@Test
	void callsReachTheProcedureBeansWithPositionalAndKeywordArguments() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.join(this.port)) {
			client.send("[48,1,{},\"com.example.rpc.add\",[2,3]]");
			assertThat(client.next()).isEqualTo("[50,1,{},[5]]");
			client.send("[48,2,{},\"com.example.rpc.add\",[2],{\"b\":4}]");
			assertThat(client.next()).isEqualTo("[50,2,{},[6]]");
			client.send("[48,3,{},\"com.example.rpc.add\",[],{\"b\":1,\"a\":2}]");
			assertThat(client.next()).isEqualTo("[50,3,{},[3]]");
			// a null result is the one argument null
			client.send("[48,4,{},\"com.example.rpc.echo\",[null]]");
			assertThat(client.next()).isEqualTo("[50,4,{},[null]]");
			client.send("[48,5,{},\"com.example.rpc.whoami\",[\"hi\"]]");
			JsonNode whoami = client.nextJson();
			assertThat(whoami.get(3).get(0).get("id").stringValue()).isEqualTo(Long.toString(client.id()));
		}
	}

	@Test
	void callFailuresAreErrorsWithV2Uris() throws Exception {
		try (Wamp2FrameClient client = Wamp2FrameClient.join(this.port)) {
			client.send("[48,1,{},\"com.example.rpc.nothere\",[]]");
			assertError(client.nextJson(), 1, "wamp.error.no_such_procedure");
			client.send("[48,2,{},\"com.example.rpc.add\",[1],{\"c\":2}]");
			assertError(client.nextJson(), 2, "wamp.error.invalid_argument");
			client.send("[48,3,{},\"com.example.rpc.add\",[1,\"x\"]]");
			assertError(client.nextJson(), 3, "wamp.error.invalid_argument");
			// the application's error URI, mapped by the prefixes; description and details as Arguments
			client.send("[48,4,{},\"com.example.rpc.refuse\"]");
			JsonNode refused = client.nextJson();
			assertError(refused, 4, "com.example.error.refused");
			assertThat(refused.get(5).toString()).isEqualTo("[\"not today\",{\"retryAfter\":5}]");
			// a failure that is not a WampRpcException says only that it failed
			client.send("[48,5,{},\"com.example.rpc.fail\"]");
			JsonNode failed = client.nextJson();
			assertError(failed, 5, "wamp.error.runtime_error");
			assertThat(failed.get(5).toString()).isEqualTo("[\"Procedure http://example.com/rpc#fail failed.\"]");
			assertThat(failed.get(6).get("v1_error").stringValue()).isEqualTo(WampWebSocketHandler.ERROR_GENERIC);
			client.send("[48,6,{},\"com.example#bad\"]");
			assertError(client.nextJson(), 6, "wamp.error.invalid_uri");
		}
	}

	@Test
	void aProcedureRegisteredByAClientIsCalledByAnother() throws Exception {
		try (Wamp2FrameClient callee = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient caller = Wamp2FrameClient.join(this.port)) {
			callee.send("[64,1,{},\"com.example.client.sum\"]");
			JsonNode registered = callee.nextJson();
			assertThat(registered.get(0).intValue()).isEqualTo(65);
			long registration = registered.get(2).longValue();
			// taken already: by a client, or by a bean
			caller.send("[64,1,{},\"com.example.client.sum\"]");
			assertThat(caller.nextJson().get(4).stringValue()).isEqualTo("wamp.error.procedure_already_exists");
			caller.send("[64,2,{},\"com.example.rpc.add\"]");
			assertThat(caller.nextJson().get(4).stringValue()).isEqualTo("wamp.error.procedure_already_exists");
			caller.send("[48,7,{},\"com.example.client.sum\",[1,2],{\"k\":\"v\"}]");
			JsonNode invocation = callee.nextJson();
			assertThat(invocation.get(0).intValue()).isEqualTo(68);
			assertThat(invocation.get(2).longValue()).isEqualTo(registration);
			assertThat(invocation.get(4).toString()).isEqualTo("[1,2]");
			assertThat(invocation.get(5).toString()).isEqualTo("{\"k\":\"v\"}");
			callee.send("[70," + invocation.get(1).longValue() + ",{},[3],{\"x\":1}]");
			assertThat(caller.next()).isEqualTo("[50,7,{},[3],{\"x\":1}]");
			caller.send("[48,8,{},\"com.example.client.sum\",[]]");
			invocation = callee.nextJson();
			callee.send("[8,68," + invocation.get(1).longValue() + ",{},\"com.example.oops\",[\"no\"]]");
			assertThat(caller.next()).isEqualTo("[8,48,8,{},\"com.example.oops\",[\"no\"]]");
			// a callee that leaves cancels what it owes
			caller.send("[48,9,{},\"com.example.client.sum\",[]]");
			assertThat(callee.nextJson().get(0).intValue()).isEqualTo(68);
			callee.close();
			JsonNode canceled = caller.nextJson();
			assertError(canceled, 9, "wamp.error.canceled");
			caller.send("[48,10,{},\"com.example.client.sum\",[]]");
			assertError(caller.nextJson(), 10, "wamp.error.no_such_procedure");
		}
	}

	@Test
	void unregisterAndTheCallLimit() throws Exception {
		try (Wamp2FrameClient callee = Wamp2FrameClient.join(this.port);
				Wamp2FrameClient caller = Wamp2FrameClient.join(this.port)) {
			callee.send("[64,1,{},\"com.example.client.slow\"]");
			long registration = callee.nextJson().get(2).longValue();
			caller.send("[48,1,{},\"com.example.client.slow\"]");
			caller.send("[48,2,{},\"com.example.client.slow\"]");
			caller.send("[48,3,{},\"com.example.client.slow\"]");
			JsonNode busy = caller.nextJson();
			assertError(busy, 3, "pubsubclub.error.limit_exceeded");
			JsonNode first = callee.nextJson();
			JsonNode second = callee.nextJson();
			callee.send("[70," + first.get(1).longValue() + ",{}]");
			callee.send("[70," + second.get(1).longValue() + ",{}]");
			// one YIELD per invocation: a second is dropped
			callee.send("[70," + second.get(1).longValue() + ",{}]");
			assertThat(caller.next()).isEqualTo("[50,1,{}]");
			assertThat(caller.next()).isEqualTo("[50,2,{}]");
			callee.send("[66,2,12345]");
			assertThat(callee.nextJson().get(4).stringValue()).isEqualTo("wamp.error.no_such_registration");
			callee.send("[66,3," + registration + "]");
			assertThat(callee.next()).isEqualTo("[67,3]");
			caller.send("[48,4,{},\"com.example.client.slow\"]");
			assertError(caller.nextJson(), 4, "wamp.error.no_such_procedure");
		}
	}

	private static void assertError(JsonNode error, long request, String uri) {
		assertThat(error.get(0).intValue()).as("ERROR: %s", error).isEqualTo(8);
		assertThat(error.get(1).intValue()).isEqualTo(48);
		assertThat(error.get(2).longValue()).isEqualTo(request);
		assertThat(error.get(4).stringValue()).isEqualTo(uri);
	}

}
