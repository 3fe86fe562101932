package io.pubsubclub.wamp;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;

/**
 * The WAMP v2 broker: SUBSCRIBE, UNSUBSCRIBE and PUBLISH of v2 sessions, on the same
 * topic registry as v1 ({@link WampServer}), with topics mapped to their v1 form by
 * {@link WampUriMapping} and payloads by {@link WampPublication}. The same per-session
 * limits, access rules and publish budget apply as to v1; where v1 has no reply, v2 gets
 * ERROR ({@value Wamp2Messages#NOT_AUTHORIZED} for the access rules,
 * {@value Wamp2Messages#LIMIT_EXCEEDED} for a limit; a PUBLISH only when it asked for
 * an acknowledgement).
 * <p>
 * Features: {@code publisher_exclusion} (exclude_me, default true, independent of the
 * exclude list), {@code subscriber_blackwhite_listing} (exclude and eligible session ids,
 * authids and authroles) and {@code publisher_identification} (disclose_me). Session id
 * lists cross the cluster with the publish; authid and authrole lists are applied on this
 * node only: a publish that has them reaches no session on other nodes (it crosses the
 * cluster with an empty eligible list, which 1.0/1.1 links do not get at all), since PSC
 * cannot carry them. Pattern-based subscriptions are not implemented: a SUBSCRIBE with
 * another match than {@code exact} is answered {@value Wamp2Messages#INVALID_ARGUMENT}.
 *
 * @author PubSubClub
 */
final class Wamp2Broker {

	static final Map<String, Object> FEATURES = Map.of("publisher_exclusion", true, "subscriber_blackwhite_listing",
			true, "publisher_identification", true);

	private final WampServer server;

	private final WampServerMetrics metrics;

	private volatile WampUriMapping uris = new WampUriMapping(Map.of());

	Wamp2Broker(WampServer server) {
		this.server = server;
		this.metrics = server.getMetrics();
	}

	void setUriMapping(WampUriMapping uris) {
		this.uris = uris;
	}

	WampUriMapping uriMapping() {
		return this.uris;
	}

	void subscribe(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		if (!Wamp2Messages.shape(message, 4, 4, 2, 0) || request < 0 || !message.get(3).isString()) {
			out.violation(session, BadFrame.BAD_ARGUMENTS, "SUBSCRIBE must be [32, Request|id, Options|dict, Topic|uri]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.SUBSCRIBE);
		JsonNode match = message.get(2).get("match");
		if (match != null && !(match.isString() && "exact".equals(match.stringValue()))) {
			out.error(session, Wamp2MessageType.SUBSCRIBE, request, Wamp2Messages.INVALID_ARGUMENT, List.of(
					"only exact matching is implemented"));
			return;
		}
		String topic = topic(session, Wamp2MessageType.SUBSCRIBE, request, message.get(3).stringValue(), out);
		if (topic == null) {
			return;
		}
		long subscription = this.server.subscribeTopic(session, topic);
		if (subscription > 0) {
			out.send(session, Wamp2MessageType.SUBSCRIBED.code(), request, subscription);
		}
		else if (subscription != WampServer.GONE) {
			out.error(session, Wamp2MessageType.SUBSCRIBE, request, refusal(subscription), null);
		}
	}

	void unsubscribe(WampServerSession session, JsonNode message, Wamp2Dispatcher out) {
		long request = Wamp2Messages.id(message.get(1));
		long subscription = Wamp2Messages.id(message.get(2));
		if (!Wamp2Messages.shape(message, 3, 3, 0, 0) || request < 0 || subscription < 0) {
			out.violation(session, BadFrame.BAD_ARGUMENTS, "UNSUBSCRIBE must be [34, Request|id, Subscription|id]");
			return;
		}
		this.metrics.messageIn(Wamp2MessageType.UNSUBSCRIBE);
		String topic = this.server.subscribedTopic(session, subscription);
		if (topic == null) {
			out.error(session, Wamp2MessageType.UNSUBSCRIBE, request, Wamp2Messages.NO_SUCH_SUBSCRIPTION, null);
			return;
		}
		this.server.unsubscribe(session, topic);
		out.send(session, Wamp2MessageType.UNSUBSCRIBED.code(), request);
	}

	/**
	 * Serve a PUBLISH as {@link Wamp2PublishReader} read it: an option of the wrong kind
	 * or an invalid topic is counted as a bad frame and answered ERROR when acknowledged
	 * (the message itself was well formed, the session goes on).
	 */
	void publish(WampServerSession session, Wamp2State state, Wamp2PublishReader.Publish publish,
			Wamp2Dispatcher out) {
		this.metrics.messageIn(Wamp2MessageType.PUBLISH);
		Wamp2PublishOptions options = publish.options();
		boolean ack = options.acknowledge();
		long request = publish.request();
		if (!options.valid()) {
			this.metrics.badFrame(BadFrame.BAD_ARGUMENTS);
			if (ack) {
				out.error(session, Wamp2MessageType.PUBLISH, request, Wamp2Messages.INVALID_ARGUMENT,
						List.of("an option of the wrong kind"));
			}
			return;
		}
		String topic = topic(session, Wamp2MessageType.PUBLISH, ack ? request : -1, publish.topic(), out);
		if (topic == null) {
			return;
		}
		Set<String> exclude = options.exclude();
		if (options.excludeMe()) {
			if (exclude == null) {
				exclude = Set.of(session.getId());
			}
			else {
				exclude.add(session.getId());
			}
		}
		WampPublication publication = WampPublication.v2(publish.arguments(), publish.argumentsKw(),
				publish.singleArgument(), options.discloseMe() ? state.id() : null, options.authFilter());
		long outcome = this.server.publish(session, topic, publication, exclude, options.eligible());
		if (outcome == WampServer.PUBLISHED) {
			if (ack) {
				out.send(session, Wamp2MessageType.PUBLISHED.code(), request, publication.id());
			}
		}
		else if (ack) {
			out.error(session, Wamp2MessageType.PUBLISH, request, refusal(outcome), null);
		}
	}

	/**
	 * Return the v1 form of a topic a v2 client sent, or answer ERROR (when
	 * {@code request} is positive) and return {@code null}.
	 */
	private @Nullable String topic(WampServerSession session, Wamp2MessageType type, long request, String uri,
			Wamp2Dispatcher out) {
		if (!WampUriMapping.isValidV2Uri(uri) || LoneSurrogates.in(uri)) {
			this.metrics.badFrame(BadFrame.BAD_ARGUMENTS);
			if (request > 0) {
				out.error(session, type, request, Wamp2Messages.INVALID_URI,
						List.of("invalid URI " + Wamp2Dispatcher.shortened(uri)));
			}
			return null;
		}
		return this.uris.toV1(uri);
	}

	static String refusal(long outcome) {
		return (outcome == WampServer.REFUSED_BY_ACCESS) ? Wamp2Messages.NOT_AUTHORIZED : Wamp2Messages.LIMIT_EXCEEDED;
	}

}
