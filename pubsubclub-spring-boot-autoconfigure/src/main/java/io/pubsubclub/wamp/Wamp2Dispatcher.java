package io.pubsubclub.wamp;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.Wamp2State.Phase;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.web.socket.CloseStatus;

/**
 * Reads one whole WAMP v2 message of a session and serves it: the session's opening and
 * closing (HELLO, WELCOME, ABORT, GOODBYE) here, the broker's messages in
 * {@link Wamp2Broker}, the dealer's in {@link Wamp2Dealer}. A PUBLISH, the message that
 * comes most, is read without a tree by {@link Wamp2PublishReader}, which decides its
 * protocol violations itself; every other message is read as a tree.
 * <p>
 * Bad input follows the WAMP spec: anything this server cannot read as a message it
 * knows, in a phase where it may come, is a protocol violation: the session gets ABORT
 * {@code wamp.error.protocol_violation} with a message saying why and is closed (1002
 * {@code "protocol error: ..."}). That covers text that is not JSON, a message that is
 * not an array with a known integer type first, the wrong number or kinds of elements,
 * an id outside [1, 2^53], a type only a router sends, any message before WELCOME but
 * HELLO (and AUTHENTICATE after a CHALLENGE), and a second HELLO. Each is logged (one
 * line, the session then being closed) and counted as its {@link BadFrame} kind. A
 * request the server understands but does not serve (an invalid URI, an option of the
 * wrong kind, a refused or unknown subscription or procedure) is answered ERROR.
 *
 * @author PubSubClub
 */
final class Wamp2Dispatcher {

	private static final Log logger = LogFactory.getLog(Wamp2Dispatcher.class);

	private final WampServer server;

	private final WampServerMetrics metrics;

	private final BiConsumer<WampServerSession, CloseStatus> closer;

	private final Wamp2Broker broker;

	private final Wamp2Dealer dealer;

	private final Wamp2PublishReader publishReader;

	private volatile String realm = "realm1";

	private volatile String agent = "PubSubClub";

	private volatile @Nullable Wamp2Auth auth;

	/**
	 * @param closer closes a session (socket and server state)
	 */
	Wamp2Dispatcher(WampServer server, Wamp2Broker broker, Wamp2Dealer dealer,
			BiConsumer<WampServerSession, CloseStatus> closer) {
		this.server = server;
		this.metrics = server.getMetrics();
		this.broker = broker;
		this.dealer = dealer;
		this.closer = closer;
		this.publishReader = new Wamp2PublishReader(server.jsonMapper());
	}

	void setRealm(String realm) {
		this.realm = realm;
	}

	void setAgent(String agent) {
		this.agent = agent;
	}

	void setAuth(@Nullable Wamp2Auth auth) {
		this.auth = auth;
	}

	void dispatch(WampServerSession session, String payload) {
		Wamp2State state = session.v2();
		if (state == null || state.phase() == Phase.LEFT) {
			return;
		}
		if (state.phase() == Phase.JOINED && Wamp2PublishReader.startsAsPublish(payload)) {
			// the most common message: read without a tree
			publish(session, state, payload);
			return;
		}
		JsonNode message;
		try {
			message = this.server.jsonMapper().readTree(payload);
		}
		catch (JacksonException ex) {
			violation(session, BadFrame.NOT_JSON, "not JSON: " + ex.getOriginalMessage());
			return;
		}
		if (message == null || !message.isArray() || message.isEmpty() || !message.get(0).isIntegralNumber()
				|| !message.get(0).canConvertToInt()) {
			violation(session, BadFrame.NOT_ARRAY, "not a JSON array with an integer type first");
			return;
		}
		Wamp2MessageType type = Wamp2MessageType.of(message.get(0).intValue());
		if (type == null) {
			violation(session, BadFrame.UNKNOWN_TYPE, "unknown message type " + message.get(0));
			return;
		}
		switch (state.phase()) {
			case HELLO_AWAITED -> {
				if (type == Wamp2MessageType.HELLO) {
					hello(session, state, message);
				}
				else if (type == Wamp2MessageType.ABORT) {
					clientAbort(session, state, message);
				}
				else {
					violation(session, BadFrame.PROTOCOL_ERROR, type + " before WELCOME");
				}
			}
			case CHALLENGED -> {
				Wamp2Auth auth = this.auth;
				if (type == Wamp2MessageType.AUTHENTICATE && auth != null) {
					if (!Wamp2Messages.shape(message, 3, 3, 2, 0) || !message.get(1).isString()) {
						violation(session, BadFrame.BAD_ARGUMENTS, "AUTHENTICATE must be [5, Signature|string, Extra|dict]");
						return;
					}
					this.metrics.messageIn(type);
					auth.authenticate(session, state, message.get(1).stringValue(), this);
				}
				else if (type == Wamp2MessageType.ABORT) {
					clientAbort(session, state, message);
				}
				else {
					violation(session, BadFrame.PROTOCOL_ERROR, type + " before WELCOME");
				}
			}
			default -> joined(session, state, type, message, payload);
		}
	}

	private void joined(WampServerSession session, Wamp2State state, Wamp2MessageType type, JsonNode message,
			String payload) {
		switch (type) {
			case SUBSCRIBE -> this.broker.subscribe(session, message, this);
			case UNSUBSCRIBE -> this.broker.unsubscribe(session, message, this);
			case PUBLISH -> publish(session, state, payload);
			case CALL -> this.dealer.call(session, message, this);
			case REGISTER -> this.dealer.register(session, message, this);
			case UNREGISTER -> this.dealer.unregister(session, message, this);
			case YIELD -> this.dealer.yield(session, message, this);
			case ERROR -> this.dealer.invocationError(session, message, this);
			case GOODBYE -> goodbye(session, state, message);
			case HELLO -> violation(session, BadFrame.PROTOCOL_ERROR, "HELLO after WELCOME");
			case ABORT -> clientAbort(session, state, message);
			default -> violation(session, BadFrame.UNKNOWN_TYPE, "message type " + type + " is not sent by clients");
		}
	}

	private void publish(WampServerSession session, Wamp2State state, String payload) {
		Wamp2PublishReader.Publish publish;
		try {
			publish = this.publishReader.read(payload);
		}
		catch (Wamp2PublishReader.Malformed ex) {
			violation(session, ex.kind(), ex.getMessage());
			return;
		}
		this.broker.publish(session, state, publish, this);
	}

	private void hello(WampServerSession session, Wamp2State state, JsonNode message) {
		if (!Wamp2Messages.shape(message, 3, 3, 2, 0) || !message.get(1).isString()) {
			violation(session, BadFrame.BAD_ARGUMENTS, "HELLO must be [1, Realm|uri, Details|dict]");
			return;
		}
		JsonNode details = message.get(2);
		JsonNode roles = details.get("roles");
		if (roles == null || !roles.isObject() || roles.isEmpty()) {
			violation(session, BadFrame.BAD_ARGUMENTS, "HELLO Details.roles must be a non-empty dict");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.HELLO);
		String realm = message.get(1).stringValue();
		if (!realm.equals(this.realm)) {
			logger.info("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
					+ ": HELLO for realm " + shortened(realm) + ", this node serves " + this.realm);
			abort(session, state, Wamp2Messages.NO_SUCH_REALM, "no realm " + realm + " here",
					CloseStatus.NORMAL.withReason("no such realm"));
			return;
		}
		Principal principal = session.getPrincipal();
		Wamp2Auth auth = this.auth;
		if (principal != null) {
			welcome(session, state, principal.getName(), "user", "http");
		}
		else if (auth != null && auth.offeredCra(details)) {
			auth.challenge(session, state, details, this);
		}
		else if (this.server.accessRules().isAuthRequired()) {
			this.server.getAuthMetrics().count(io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome.ANONYMOUS_FORBIDDEN);
			logger.info("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
					+ ": HELLO without wampcra where authentication is required");
			abort(session, state, Wamp2Messages.NOT_AUTHORIZED, "authentication required (wampcra)",
					CloseStatus.POLICY_VIOLATION.withReason("not authorized"));
		}
		else {
			welcome(session, state, session.getId(), "anonymous", "anonymous");
		}
	}

	/**
	 * Send WELCOME, announcing exactly the roles and features this server implements.
	 */
	void welcome(WampServerSession session, Wamp2State state, String authid, String authrole, String authmethod) {
		state.joined(authid, authrole, authmethod);
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("realm", this.realm);
		details.put("authid", authid);
		details.put("authrole", authrole);
		details.put("authmethod", authmethod);
		details.put("authprovider", "static");
		details.put("agent", this.agent);
		details.put("roles", Wamp2Roles.details());
		send(session, Wamp2MessageType.WELCOME.code(), state.id(), details);
		if (logger.isDebugEnabled()) {
			logger.debug("WAMP v2 session " + session.getId() + " joined " + this.realm + " as " + authid + " ("
					+ authrole + ", " + authmethod + ")");
		}
	}

	private void goodbye(WampServerSession session, Wamp2State state, JsonNode message) {
		if (!Wamp2Messages.shape(message, 3, 3, 1, 0) || !message.get(2).isString()) {
			violation(session, BadFrame.BAD_ARGUMENTS, "GOODBYE must be [6, Details|dict, Reason|uri]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.GOODBYE);
		state.phase(Phase.LEFT);
		send(session, Wamp2MessageType.GOODBYE.code(), Map.of(), Wamp2Messages.GOODBYE_AND_OUT);
		// one session per connection: the client closes it next, and so does the server
		this.closer.accept(session, CloseStatus.NORMAL.withReason("goodbye"));
	}

	private void clientAbort(WampServerSession session, Wamp2State state, JsonNode message) {
		this.metrics.messageIn(Wamp2MessageType.ABORT);
		state.phase(Phase.LEFT);
		logger.info("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
				+ ": client aborted: " + shortened(String.valueOf(message)));
		this.closer.accept(session, CloseStatus.NORMAL.withReason("aborted"));
	}

	/**
	 * Send ABORT and close the session.
	 */
	void abort(WampServerSession session, Wamp2State state, String reason, String why, CloseStatus status) {
		state.phase(Phase.LEFT);
		send(session, Wamp2MessageType.ABORT.code(), Map.of("message", why), reason);
		this.closer.accept(session, status);
	}

	/**
	 * A protocol violation: ABORT, close (1002), log and count.
	 */
	void violation(WampServerSession session, BadFrame kind, String why) {
		Wamp2State state = session.v2();
		if (state == null || state.phase() == Phase.LEFT) {
			return;
		}
		this.metrics.badFrame(kind);
		logger.info("WAMP v2 session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
				+ ": protocol violation, " + shortened(why) + "; aborting, closing with 1002");
		abort(session, state, Wamp2Messages.PROTOCOL_VIOLATION, shortened(why),
				CloseStatus.PROTOCOL_ERROR.withReason(reason(why)));
	}

	/**
	 * Answer a request with ERROR.
	 */
	void error(WampServerSession session, Wamp2MessageType requestType, long request, String error,
			@Nullable List<?> arguments) {
		if (arguments != null) {
			send(session, Wamp2MessageType.ERROR.code(), requestType.code(), request, Map.of(), error, arguments);
		}
		else {
			send(session, Wamp2MessageType.ERROR.code(), requestType.code(), request, Map.of(), error);
		}
	}

	void send(WampServerSession session, Object... frame) {
		session.send(this.server.jsonMapper().writeValueAsString(List.of(frame)));
	}

	// a close reason is at most 123 bytes of UTF-8
	private static String reason(String why) {
		String reason = "protocol error: " + why.replaceAll("[^\\x20-\\x7e]", "?");
		return (reason.length() > 60) ? reason.substring(0, 57) + "..." : reason;
	}

	static String shortened(String text) {
		return (text.length() > 100) ? text.substring(0, 97) + "..." : text;
	}

}
