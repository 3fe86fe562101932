package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.web.socket.CloseStatus;

/**
 * Reads one whole WAMP message of a session and hands it on: PREFIX to the session,
 * SUBSCRIBE, UNSUBSCRIBE and PUBLISH to the {@link WampServer}, CALL to the
 * {@link WampCallInvoker}. Bad input is logged and counted here, as the handler's
 * javadoc lists.
 *
 * @author PubSubClub
 */
final class WampMessageDispatcher {

	private static final Log logger = LogFactory.getLog(WampMessageDispatcher.class);

	private final WampServer server;

	private final WampCallInvoker calls;

	private final WampServerMetrics metrics;

	private final PublishReader publishReader;

	private final BiConsumer<WampServerSession, CloseStatus> closer;

	/**
	 * @param closer closes a session for a protocol error
	 */
	WampMessageDispatcher(WampServer server, WampCallInvoker calls,
			BiConsumer<WampServerSession, CloseStatus> closer) {
		this.server = server;
		this.calls = calls;
		this.metrics = server.getMetrics();
		this.publishReader = new PublishReader(server.jsonMapper());
		this.closer = closer;
	}

	PublishReader publishReader() {
		return this.publishReader;
	}

	void dispatch(WampServerSession session, String payload) {
		// the most common message, read without a tree; what the reader is unsure of
		// (including every malformed PUBLISH) goes the tree's way below
		PublishReader.Publish publish = this.publishReader.read(payload, session.getId());
		if (publish != null) {
			this.metrics.messageIn(WampMessageType.PUBLISH);
			publish(session, session.resolve(publish.topic()), publish.eventJson(), payload, publish.exclude(),
					publish.eligible());
			return;
		}
		JsonNode message;
		try {
			message = this.server.jsonMapper().readTree(payload);
		}
		catch (JacksonException ex) {
			ignore(session, BadFrame.NOT_JSON, "not JSON: " + ex.getOriginalMessage());
			return;
		}
		if (message == null || !message.isArray() || message.isEmpty() || !message.get(0).isIntegralNumber()
				|| !message.get(0).canConvertToInt()) {
			ignore(session, BadFrame.NOT_ARRAY, "not a JSON array with an integer type first");
			return;
		}
		WampMessageType type = WampMessageType.of(message.get(0).intValue());
		if (type == null) {
			ignore(session, BadFrame.UNKNOWN_TYPE, "unknown message type " + message.get(0));
			return;
		}
		switch (type) {
			case PREFIX -> prefix(session, message);
			case CALL -> call(session, message);
			case SUBSCRIBE -> subscribe(session, message, true);
			case UNSUBSCRIBE -> subscribe(session, message, false);
			case PUBLISH -> publish(session, message, payload);
			default -> ignore(session, BadFrame.UNKNOWN_TYPE, "message type " + type + " is not sent by clients");
		}
	}

	private void prefix(WampServerSession session, JsonNode message) {
		if (message.size() != 3 || !message.get(1).isString() || !message.get(2).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PREFIX must be [1, prefix, uri]");
			return;
		}
		this.metrics.messageIn(WampMessageType.PREFIX);
		String prefix = message.get(1).stringValue();
		String uri = message.get(2).stringValue();
		if (this.server.limits().mayPrefix(session, prefix, uri)) {
			session.prefix(prefix, uri);
		}
	}

	private void subscribe(WampServerSession session, JsonNode message, boolean subscribe) {
		WampMessageType type = subscribe ? WampMessageType.SUBSCRIBE : WampMessageType.UNSUBSCRIBE;
		if (message.size() != 2 || !message.get(1).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, type + " must be [" + type.code() + ", topic]");
			return;
		}
		String topic = session.resolve(message.get(1).stringValue());
		if (LoneSurrogates.in(topic)) {
			ignore(session, BadFrame.BAD_ARGUMENTS, type + " topic holds an unpaired surrogate");
			return;
		}
		this.metrics.messageIn(type);
		if (subscribe) {
			this.server.subscribeTopic(session, topic);
		}
		else {
			this.server.unsubscribe(session, topic);
		}
	}

	private void publish(WampServerSession session, String topic, String eventJson, String payload,
			@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		if (LoneSurrogates.in(topic)) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PUBLISH topic holds an unpaired surrogate");
			return;
		}
		// no UTF-8 encoder takes an unpaired surrogate: unescaped, it would cost every
		// subscriber (and cluster link) that gets the event its session
		String event = LoneSurrogates.possibleIn(payload) ? LoneSurrogates.escape(eventJson) : eventJson;
		this.server.publish(session, topic, WampPublication.v1(event), exclude, eligible);
	}

	private void publish(WampServerSession session, JsonNode message, String payload) {
		if (message.size() < 3 || message.size() > 5 || !message.get(1).isString()) {
			ignore(session, BadFrame.BAD_ARGUMENTS, "PUBLISH must be [7, topic, event(, excludeMe | exclude(, eligible))]");
			return;
		}
		String topic = session.resolve(message.get(1).stringValue());
		Set<String> exclude = Set.of(session.getId());
		Set<String> eligible = null;
		if (message.size() >= 4) {
			JsonNode option = message.get(3);
			if (option.isBoolean()) {
				exclude = option.booleanValue() ? exclude : null;
			}
			else if (option.isArray()) {
				exclude = ids(option);
			}
		}
		if (message.size() == 5 && message.get(4).isArray()) {
			eligible = ids(message.get(4));
		}
		this.metrics.messageIn(WampMessageType.PUBLISH);
		publish(session, topic, this.server.jsonMapper().writeValueAsString(message.get(2)), payload, exclude,
				eligible);
	}

	private static Set<String> ids(JsonNode array) {
		Set<String> ids = new HashSet<>();
		for (JsonNode id : array) {
			if (id.isString()) {
				ids.add(id.stringValue());
			}
		}
		return ids;
	}

	private void call(WampServerSession session, JsonNode message) {
		if (message.size() < 3 || !message.get(1).isString() || !message.get(2).isString()) {
			this.metrics.badFrame(BadFrame.PROTOCOL_ERROR);
			String reason = (message.size() < 2 || !message.get(1).isString()) ? "CALL callId must be a string"
					: "CALL procUri must be a string";
			logger.info("WAMP session " + session.getId() + ": " + reason + ", closing with 1002");
			this.closer.accept(session, CloseStatus.PROTOCOL_ERROR.withReason("protocol error: " + reason));
			return;
		}
		this.metrics.messageIn(WampMessageType.CALL);
		List<JsonNode> arguments = new ArrayList<>(message.size() - 3);
		for (int i = 3; i < message.size(); i++) {
			arguments.add(message.get(i));
		}
		this.calls.call(session, message.get(1).stringValue(), session.resolve(message.get(2).stringValue()),
				arguments);
	}

	private void ignore(WampServerSession session, BadFrame kind, String why) {
		this.metrics.badFrame(kind);
		this.metrics.refusalLog()
			.log(logger, session.refusalLines(), () -> "WAMP session " + session.getId() + ": ignored message, " + why);
	}

}
