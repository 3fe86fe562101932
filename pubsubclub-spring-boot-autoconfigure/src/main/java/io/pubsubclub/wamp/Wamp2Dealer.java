package io.pubsubclub.wamp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import io.pubsubclub.wamp.WampServerMetrics.Limit;

/**
 * The WAMP v2 dealer. A CALL goes to a procedure a v2 client of this node registered
 * (REGISTER, then INVOCATION to that callee and its YIELD or ERROR back as RESULT or
 * ERROR), else to the {@link WampProcedure} beans through the {@link WampCallInvoker},
 * exactly as a v1 CALL (same access rules, per-session call limit, call timeout and
 * bounded executor), else it is answered {@value Wamp2Messages#NO_SUCH_PROCEDURE}.
 * Procedure URIs are mapped to their v1 form by {@link WampUriMapping} before either.
 * Procedures registered by clients are not routed across the cluster: a CALL on another
 * node does not find them.
 * <p>
 * A bean's return value {@code R} is the RESULT {@code Arguments = [R]}; its failures
 * are ERRORs whose Arguments are the v1 description (and details). The error URI is the
 * v1 one mapped by the prefixes; the server's own v1 error URIs, and any URI that is not
 * a valid v2 URI after the mapping (v1 URIs hold {@code #}, which v2 clients such as
 * Autobahn refuse), become {@code wamp.error.*} URIs, the v1 URI then going along as
 * {@code ArgumentsKw.v1_error}.
 * <p>
 * Bounds: a session may register at most {@code pubsubclub.wamp.limits.subscriptions-per-session}
 * procedures, and have at most {@code pubsubclub.wamp.limits.calls-per-session} calls to
 * client procedures outstanding beside those to beans; an invocation unanswered at
 * {@code pubsubclub.wamp.call-timeout} is answered {@code wamp.error.timeout} and
 * forgotten (a late YIELD is dropped). A callee that leaves cancels its invocations
 * ({@value Wamp2Messages#CANCELED}). A REGISTER needs the right to call the procedure.
 *
 * @author PubSubClub
 */
final class Wamp2Dealer {

	static final boolean IMPLEMENTED = true;

	static final Map<String, Object> FEATURES = Map.of();

	private static final Log logger = LogFactory.getLog(Wamp2Dealer.class);

	private final WampServer server;

	private final WampServerMetrics metrics;

	private final WampCallInvoker calls;

	private final WampProcedureRegistry procedures;

	private final Wamp2Broker broker;

	private final Map<String, Registration> registrationsByUri = new ConcurrentHashMap<>();

	private final Map<Long, Registration> registrationsById = new ConcurrentHashMap<>();

	private final Map<Long, Invocation> invocations = new ConcurrentHashMap<>();

	private volatile int maxCallsPerSession = 16;

	private volatile @Nullable Duration callTimeout;

	Wamp2Dealer(WampServer server, WampCallInvoker calls, WampProcedureRegistry procedures, Wamp2Broker broker) {
		this.server = server;
		this.metrics = server.getMetrics();
		this.calls = calls;
		this.procedures = procedures;
		this.broker = broker;
	}

	void setMaxCallsPerSession(int maxCallsPerSession) {
		this.maxCallsPerSession = maxCallsPerSession;
	}

	void setCallTimeout(@Nullable Duration callTimeout) {
		this.callTimeout = callTimeout;
	}

	void call(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		if (!Wamp2Messages.shape(message, 4, 6, 2, 4) || request < 0 || !message.get(3).isString()) {
			out.violation(session, BadFrame.BAD_ARGUMENTS,
					"CALL must be [48, Request|id, Options|dict, Procedure|uri(, Arguments|list(, ArgumentsKw|dict))]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.CALL);
		String uri = message.get(3).stringValue();
		if (!WampUriMapping.isValidV2Uri(uri) || LoneSurrogates.in(uri)) {
			out.error(session, Wamp2MessageType.CALL, request, Wamp2Messages.INVALID_URI,
					List.of("invalid URI " + Wamp2Dispatcher.shortened(uri)));
			return;
		}
		String v1Uri = this.broker.uriMapping().toV1(uri);
		JsonNode args = (message.size() > 4) ? message.get(4) : null;
		JsonNode kwargs = (message.size() > 5) ? message.get(5) : null;
		Registration registration = this.registrationsByUri.get(v1Uri);
		if (registration != null && !registration.callee.isClosed()) {
			invoke(session, request, registration, args, kwargs, out);
			return;
		}
		List<JsonNode> arguments = new ArrayList<>();
		if (args != null) {
			args.forEach(arguments::add);
		}
		this.calls.call(session, Long.toString(request), v1Uri, arguments, kwargs,
				new CallFrames(request, this.broker.uriMapping()));
	}

	private void invoke(WampServerSession caller, long request, Registration registration, @Nullable JsonNode args,
			@Nullable JsonNode kwargs, Wamp2Dispatcher out) {
		if (!this.server.accessRules().mayCall(caller, registration.uri)) {
			out.error(caller, Wamp2MessageType.CALL, request, Wamp2Messages.NOT_AUTHORIZED, null);
			return;
		}
		int limit = this.maxCallsPerSession;
		if (state(caller).invocationsOutstanding().incrementAndGet() > limit) {
			state(caller).invocationsOutstanding().decrementAndGet();
			this.server.limits().refuse(caller, Limit.CALLS_PER_SESSION, "CALL " + registration.uri + " refused, "
					+ limit + " calls outstanding");
			out.error(caller, Wamp2MessageType.CALL, request, Wamp2Messages.LIMIT_EXCEEDED,
					List.of("Too many calls outstanding: at most " + limit + "."));
			return;
		}
		Invocation invocation;
		long id;
		do {
			id = ThreadLocalRandom.current().nextLong(1, WampPublication.MAX_ID + 1);
			invocation = new Invocation(id, caller, request, registration.callee);
		}
		while (this.invocations.putIfAbsent(id, invocation) != null);
		Duration timeout = this.callTimeout;
		if (timeout != null) {
			Invocation timed = invocation;
			try {
				invocation.timeout = this.server.timer()
					.schedule(() -> timedOut(timed, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// shutting down: the session goes with it
			}
		}
		JsonMapper json = this.server.jsonMapper();
		StringBuilder frame = new StringBuilder("[68,").append(id).append(',').append(registration.id).append(",{}");
		if (args != null) {
			frame.append(',').append(json.writeValueAsString(args));
		}
		if (kwargs != null) {
			frame.append((args == null) ? ",[]," : ",").append(json.writeValueAsString(kwargs));
		}
		registration.callee.send(LoneSurrogates.escape(frame.append(']').toString()));
	}

	private void timedOut(Invocation invocation, Duration timeout) {
		if (finish(invocation)) {
			this.metrics.callTimedOut();
			logger.info("WAMP session " + invocation.caller.getId() + ": CALL to client procedure timed out after "
					+ timeout);
			send(invocation.caller, Arrays.asList(8, 48, invocation.callerRequest, Map.of(), "wamp.error.timeout",
					List.of("Call timed out after " + timeout + ".")));
		}
	}

	private boolean finish(Invocation invocation) {
		if (!this.invocations.remove(invocation.id, invocation)) {
			return false;
		}
		ScheduledFuture<?> timeout = invocation.timeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
		state(invocation.caller).invocationsOutstanding().decrementAndGet();
		return true;
	}

	void yield(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		if (!Wamp2Messages.shape(message, 3, 5, 2, 3) || request < 0) {
			out.violation(session, BadFrame.BAD_ARGUMENTS,
					"YIELD must be [70, Request|id, Options|dict(, Arguments|list(, ArgumentsKw|dict))]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.YIELD);
		Invocation invocation = this.invocations.get(request);
		if (invocation == null || invocation.callee != session || !finish(invocation)) {
			// answered already (timed out, say): dropped
			logger.debug("WAMP session " + session.getId() + ": YIELD for no outstanding invocation, dropped");
			return;
		}
		StringBuilder frame = new StringBuilder("[50,").append(invocation.callerRequest).append(",{}");
		appendPayload(frame, message, 3);
		invocation.caller.send(frame.append(']').toString());
	}

	void invocationError(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(2));
		if (!Wamp2Messages.shape(message, 5, 7, 3, 5) || !message.get(1).isIntegralNumber()
				|| message.get(1).intValue() != Wamp2MessageType.INVOCATION.code() || request < 0
				|| !message.get(4).isString()) {
			out.violation(session, BadFrame.BAD_ARGUMENTS, "ERROR from a client must be [8, 68, Request|id, "
					+ "Details|dict, Error|uri(, Arguments|list(, ArgumentsKw|dict))]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.ERROR);
		Invocation invocation = this.invocations.get(request);
		if (invocation == null || invocation.callee != session || !finish(invocation)) {
			logger.debug("WAMP session " + session.getId() + ": ERROR for no outstanding invocation, dropped");
			return;
		}
		this.metrics.callError();
		StringBuilder frame = new StringBuilder("[8,48,").append(invocation.callerRequest)
			.append(",{},")
			.append(this.server.jsonMapper().writeValueAsString(message.get(4)));
		appendPayload(frame, message, 5);
		invocation.caller.send(frame.append(']').toString());
	}

	private void appendPayload(StringBuilder frame, JsonNode message, int from) {
		JsonMapper json = this.server.jsonMapper();
		for (int i = from; i < message.size(); i++) {
			frame.append(',').append(LoneSurrogates.escape(json.writeValueAsString(message.get(i))));
		}
	}

	void register(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		if (!Wamp2Messages.shape(message, 4, 4, 2, 0) || request < 0 || !message.get(3).isString()) {
			out.violation(session, BadFrame.BAD_ARGUMENTS, "REGISTER must be [64, Request|id, Options|dict, Procedure|uri]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.REGISTER);
		String uri = message.get(3).stringValue();
		JsonNode match = message.get(2).get("match");
		JsonNode invoke = message.get(2).get("invoke");
		if ((match != null && !"exact".equals(match.asString(""))) || (invoke != null && !"single".equals(invoke.asString("")))) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.INVALID_ARGUMENT,
					List.of("only exact matching and single registrations are implemented"));
			return;
		}
		if (!WampUriMapping.isValidV2Uri(uri) || LoneSurrogates.in(uri)) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.INVALID_URI,
					List.of("invalid URI " + Wamp2Dispatcher.shortened(uri)));
			return;
		}
		String v1Uri = this.broker.uriMapping().toV1(uri);
		if (!this.server.limits().topicFits(session, v1Uri, "REGISTER")) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.LIMIT_EXCEEDED, null);
			return;
		}
		if (!this.server.accessRules().mayCall(session, v1Uri)) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.NOT_AUTHORIZED, null);
			return;
		}
		if (state(session).registrations().size() >= this.server.limits().maxSubscriptionsPerSession) {
			this.server.limits().refuse(session, Limit.SUBSCRIPTIONS_PER_SESSION, "REGISTER " + v1Uri + " refused");
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.LIMIT_EXCEEDED, null);
			return;
		}
		if (this.procedures.find(v1Uri) != null) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.PROCEDURE_ALREADY_EXISTS, null);
			return;
		}
		Registration registration;
		long id;
		do {
			id = ThreadLocalRandom.current().nextLong(1, WampPublication.MAX_ID + 1);
		}
		while (this.registrationsById.containsKey(id));
		registration = new Registration(id, v1Uri, session);
		Registration existing = this.registrationsByUri.putIfAbsent(v1Uri, registration);
		if (existing != null && existing.callee.isClosed()) {
			// a callee that left without the container's close yet: replaced
			unregister(existing);
			existing = this.registrationsByUri.putIfAbsent(v1Uri, registration);
		}
		if (existing != null) {
			out.error(session, Wamp2MessageType.REGISTER, request, Wamp2Messages.PROCEDURE_ALREADY_EXISTS, null);
			return;
		}
		this.registrationsById.put(id, registration);
		state(session).registrations().add(id);
		if (session.isClosed()) {
			closed(session);
			return;
		}
		out.send(session, Wamp2MessageType.REGISTERED.code(), request, id);
	}

	void unregister(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		long id = Wamp2Messages.id(message.get(2));
		if (!Wamp2Messages.shape(message, 3, 3, 0, 0) || request < 0 || id < 0) {
			out.violation(session, BadFrame.BAD_ARGUMENTS, "UNREGISTER must be [66, Request|id, Registration|id]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.UNREGISTER);
		Registration registration = this.registrationsById.get(id);
		if (registration == null || registration.callee != session) {
			out.error(session, Wamp2MessageType.UNREGISTER, request, Wamp2Messages.NO_SUCH_REGISTRATION, null);
			return;
		}
		unregister(registration);
		out.send(session, Wamp2MessageType.UNREGISTERED.code(), request);
	}

	private void unregister(Registration registration) {
		this.registrationsById.remove(registration.id, registration);
		this.registrationsByUri.remove(registration.uri, registration);
		state(registration.callee).registrations().remove(registration.id);
	}

	/**
	 * A session closed: its registrations go, and the invocations it owed are cancelled.
	 */
	void closed(WampServerSession session) {
		if (session.v2() == null) {
			return;
		}
		for (Long id : List.copyOf(state(session).registrations())) {
			Registration registration = this.registrationsById.get(id);
			if (registration != null) {
				unregister(registration);
			}
		}
		for (Invocation invocation : List.copyOf(this.invocations.values())) {
			if (invocation.callee == session && finish(invocation)) {
				send(invocation.caller, Arrays.asList(8, 48, invocation.callerRequest, Map.of(), Wamp2Messages.CANCELED,
						List.of("The callee left.")));
			}
			else if (invocation.caller == session) {
				finish(invocation);
			}
		}
	}

	private static Wamp2State state(WampServerSession session) {
		Wamp2State state = session.v2();
		if (state == null) {
			throw new IllegalStateException("Not a v2 session: " + session.getId());
		}
		return state;
	}

	private void send(WampServerSession session, List<?> frame) {
		session.send(this.server.jsonMapper().writeValueAsString(frame));
	}

	private record Registration(long id, String uri, WampServerSession callee) {
	}

	private static final class Invocation {

		final long id;

		final WampServerSession caller;

		final long callerRequest;

		final WampServerSession callee;

		volatile @Nullable ScheduledFuture<?> timeout;

		Invocation(long id, WampServerSession caller, long callerRequest, WampServerSession callee) {
			this.id = id;
			this.caller = caller;
			this.callerRequest = callerRequest;
			this.callee = callee;
		}

	}

	/**
	 * How a v2 CALL to a bean is answered.
	 */
	private static final class CallFrames implements WampCallInvoker.CallFrames {

		private static final Map<String, String> SERVER_ERRORS = Map.of(
				WampWebSocketHandler.ERROR_NO_SUCH_RPC_ENDPOINT, Wamp2Messages.NO_SUCH_PROCEDURE,
				WampWebSocketHandler.ERROR_INVALID_ARGUMENT, Wamp2Messages.INVALID_ARGUMENT,
				WampWebSocketHandler.ERROR_NOT_AUTHORIZED, Wamp2Messages.NOT_AUTHORIZED,
				WampWebSocketHandler.ERROR_TIMEOUT, "wamp.error.timeout",
				WampWebSocketHandler.ERROR_BUSY, Wamp2Messages.LIMIT_EXCEEDED,
				WampWebSocketHandler.ERROR_GENERIC, "wamp.error.runtime_error");

		private final long request;

		private final WampUriMapping uris;

		CallFrames(long request, WampUriMapping uris) {
			this.request = request;
			this.uris = uris;
		}

		@Override
		public String result(@Nullable Object result, JsonMapper jsonMapper) {
			return jsonMapper.writeValueAsString(Arrays.asList(50, this.request, Map.of(), Arrays.asList(result)));
		}

		@Override
		public String error(String errorUri, String errorDesc, @Nullable Object details, JsonMapper jsonMapper) {
			String uri = SERVER_ERRORS.get(errorUri);
			if (uri == null) {
				String mapped = this.uris.toV2(errorUri);
				uri = WampUriMapping.isValidV2Uri(mapped) ? mapped : "wamp.error.runtime_error";
			}
			List<@Nullable Object> arguments = (details != null) ? Arrays.asList(errorDesc, details) : List.of(errorDesc);
			List<Object> frame = new ArrayList<>(List.of(8, 48, this.request, Map.of(), uri, arguments));
			if (!uri.equals(errorUri)) {
				frame.add(Map.of("v1_error", errorUri));
			}
			return jsonMapper.writeValueAsString(frame);
		}

	}

}
