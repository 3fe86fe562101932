package io.pubsubclub.wamp;

import java.util.concurrent.CompletionException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.Wamp2State.Phase;
import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampCraAuthentication;
import io.pubsubclub.wamp.auth.WampCraAuthenticator;
import org.springframework.web.socket.CloseStatus;

/**
 * WAMP-CRA for v2 sessions: a HELLO whose authmethods hold {@code wampcra} and whose
 * authid names a user gets CHALLENGE, and the AUTHENTICATE that matches gets WELCOME
 * (authmethod {@code wampcra}, authrole {@value #AUTHROLE}); an unknown authid or a
 * wrong signature gets ABORT {@value Wamp2Messages#NOT_AUTHORIZED} and the session is
 * closed (1008): one try per session. The users, salts and permissions are v1's
 * ({@link WampCraAuthenticator}); a HELLO without {@code wampcra} joins anonymously
 * only when authentication is not required.
 *
 * @author PubSubClub
 */
final class Wamp2Auth {

	/** The authrole of a session that authenticated with WAMP-CRA. */
	static final String AUTHROLE = "user";

	private static final Log logger = LogFactory.getLog(Wamp2Auth.class);

	private final WampServer server;

	private final WampCraAuthenticator authenticator;

	Wamp2Auth(WampServer server, WampCraAuthenticator authenticator) {
		this.server = server;
		this.authenticator = authenticator;
	}

	boolean offeredCra(JsonNode helloDetails) {
		JsonNode methods = helloDetails.get("authmethods");
		if (methods == null || !methods.isArray()) {
			return false;
		}
		for (JsonNode method : methods) {
			if (method.isString() && "wampcra".equals(method.stringValue())) {
				return true;
			}
		}
		return false;
	}

	void challenge(WampServerSession session, Wamp2State state, JsonNode helloDetails, Wamp2Dispatcher out) {
		JsonNode authid = helloDetails.get("authid");
		if (authid == null || !authid.isString() || authid.stringValue().isEmpty()) {
			this.server.getAuthMetrics().count(WampAuthMetrics.Outcome.INVALID_ARGUMENT);
			refuse(session, state, "wampcra needs an authid", out);
			return;
		}
		state.phase(Phase.CHALLENGED);
		this.authenticator.challengeV2(session, session.authState(), authid.stringValue(), AUTHROLE, state.id())
			.whenComplete((extra, ex) -> {
				if (ex != null) {
					Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
					logger.debug("WAMP session " + session.getId() + ": no challenge", cause);
					refuse(session, state, "not authorized", out);
				}
				else if (state.phase() == Phase.CHALLENGED) {
					out.send(session, Wamp2MessageType.CHALLENGE.code(), "wampcra", extra);
				}
			});
	}

	void authenticate(WampServerSession session, Wamp2State state, String signature, Wamp2Dispatcher out) {
		WampCraAuthentication authentication = this.authenticator.authenticateV2(session, session.authState(),
				signature);
		if (authentication == null) {
			refuse(session, state, "not authorized", out);
			return;
		}
		out.welcome(session, state, authentication.authKey(), AUTHROLE, "wampcra");
	}

	private void refuse(WampServerSession session, Wamp2State state, @Nullable String why, Wamp2Dispatcher out) {
		out.abort(session, state, Wamp2Messages.NOT_AUTHORIZED, (why != null) ? why : "not authorized",
				CloseStatus.POLICY_VIOLATION.withReason("not authorized"));
	}

}
