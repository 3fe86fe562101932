package io.pubsubclub.wamp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.WebSocketHttpHeaders;

import static io.pubsubclub.wamp.WampCraTestSupport.assertCallError;
import static io.pubsubclub.wamp.WampCraTestSupport.barrier;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security on the WebSocket handshake (HTTP basic): the principal is the session's
 * identity, the security context of its procedures (so {@code @PreAuthorize} works), and
 * what an application's authorizer decides from. With {@code auth.required}, a handshake
 * principal is authentication enough.
 */
@SpringBootTest(classes = WampSecurityTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.auth.required=true" })
class WampSpringSecurityIntegrationTests {

	private static final String NEWS = WampSecurityTestApplication.ADMIN_TOPICS + "news";

	private static final String LOBBY = "http://example.com/lobby";

	@LocalServerPort
	int port;

	@Autowired
	WampAuthMetrics authMetrics;

	@Test
	void handshakeWithoutCredentialsOrWithAWrongPasswordIsRefusedWith401() throws Exception {
		assertThat(upgrade(null)).startsWith("HTTP/1.1 401 ");
		assertThat(upgrade(basic("alice", "wrong"))).startsWith("HTTP/1.1 401 ");
		assertThat(upgrade(basic("nobody", "alice-pw"))).startsWith("HTTP/1.1 401 ");
		// the same request with the right password is upgraded: the 401s are the credentials'
		assertThat(upgrade(basic("alice", "alice-pw"))).startsWith("HTTP/1.1 101 ");
	}

	private String upgrade(@Nullable String authorization) throws Exception {
		try (RawWampSocket socket = new RawWampSocket(this.port, 65536)) {
			return socket.upgrade(null, authorization);
		}
	}

	private static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void principalIsTheSessionIdentityAndTheSecurityContextOfItsProcedures() throws Exception {
		try (WampTestClient alice = connect("alice", "alice-pw"); WampTestClient bob = connect("bob", "bob-pw")) {
			alice.send(2, "me", "http://example.com/rpc#me");
			bob.send(2, "me", "http://example.com/rpc#me");
			assertThat(alice.nextText()).isEqualTo("[3,\"me\",\"alice/alice\"]");
			assertThat(bob.nextText()).isEqualTo("[3,\"me\",\"bob/bob\"]");
		}
	}

	@Test
	void preAuthorizeOnAProcedureAllowsTheAdminAndDeniesOthersWithNotAuthorized() throws Exception {
		long refused = this.authMetrics.get(Outcome.CALL_REFUSED);
		try (WampTestClient alice = connect("alice", "alice-pw"); WampTestClient bob = connect("bob", "bob-pw")) {
			bob.send(2, "r", "http://example.com/admin#reset");
			JsonAssert.callError(bob, "r");
			alice.send(2, "r", "http://example.com/admin#reset");
			assertThat(alice.nextText()).isEqualTo("[3,\"r\",\"reset by alice\"]");
		}
		assertThat(this.authMetrics.get(Outcome.CALL_REFUSED) - refused).isOne();
	}

	@Test
	void anAuthorizerDecidesFromThePrincipal() throws Exception {
		try (WampTestClient alice = connect("alice", "alice-pw"); WampTestClient bob = connect("bob", "bob-pw")) {
			alice.send(5, NEWS);
			alice.send(5, LOBBY);
			barrier(alice);
			bob.send(5, NEWS);
			bob.send(5, LOBBY);
			bob.send(7, NEWS, "bob may not publish here");
			bob.send(7, LOBBY, "marker");
			assertThat(alice.eventsUntil("marker")).isEmpty();
			alice.send(7, NEWS, "for admins");
			alice.send(7, LOBBY, "marker");
			assertThat(bob.eventsUntil("marker")).isEmpty();
		}
	}

	private WampTestClient connect(String user, String password) throws Exception {
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.set("Authorization", basic(user, password));
		return WampTestClient.connect(this.port, headers);
	}

	private static final class JsonAssert {

		static void callError(WampTestClient client, String callId) throws Exception {
			assertCallError(client.next(), callId, "http://api.wamp.ws/error#not-authorized");
		}

	}

}
