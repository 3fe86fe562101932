package io.pubsubclub.actuate;

import java.util.Locale;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.wamp.Wamp2MessageType;
import io.pubsubclub.wamp.WampMessageType;
import io.pubsubclub.wamp.WampProtocol;
import io.pubsubclub.wamp.WampServer;
import io.pubsubclub.wamp.WampServerMetrics;

/**
 * {@link MeterBinder} for the WAMP server's meters: sessions, local publishes,
 * deliveries, messages by type and what was dropped, by reason. Reads the server's own
 * counters, so the hot path has no Micrometer in it. Tags take a bounded set of values.
 *
 * @author PubSubClub
 */
public class WampServerMeterBinder implements MeterBinder {

	private final WampServer server;

	/**
	 * Create the binder.
	 * @param server the WAMP server
	 */
	public WampServerMeterBinder(WampServer server) {
		this.server = server;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		WampServerMetrics metrics = this.server.getMetrics();
		for (WampProtocol protocol : WampProtocol.values()) {
			Gauge.builder("pubsubclub.wamp.sessions", metrics, (m) -> m.getSessionsOpen(protocol))
				.description("WAMP sessions open now, by WAMP version")
				.tag("protocol", protocol.tag())
				.register(registry);
			FunctionCounter.builder("pubsubclub.wamp.sessions.opened", metrics, (m) -> m.getSessionsOpened(protocol))
				.description("WAMP sessions opened since start-up, by WAMP version")
				.tag("protocol", protocol.tag())
				.register(registry);
			FunctionCounter.builder("pubsubclub.deliveries", metrics, (m) -> m.getEventsDelivered(protocol))
				.description("EVENT frames handed to local WAMP sessions, by WAMP version")
				.tag("protocol", protocol.tag())
				.register(registry);
		}
		Gauge.builder("pubsubclub.wamp.topics", this.server, (server) -> server.topics().size())
			.description("Topics with at least one local WAMP subscriber")
			.register(registry);
		FunctionCounter.builder("pubsubclub.publishes", metrics, WampServerMetrics::getPublishes)
			.description("Publishes: made on this node (local), forwarded to the cluster, received from it")
			.tag("type", "local")
			.register(registry);
		for (WampMessageType type : WampMessageType.values()) {
			FunctionCounter.builder("pubsubclub.wamp.messages", metrics, (m) -> m.getMessagesIn(type))
				.description("Well-formed WAMP messages received, by WAMP version and message type")
				.tag("type", tag(type))
				.tag("protocol", WampProtocol.V1.tag())
				.register(registry);
		}
		for (Wamp2MessageType type : Wamp2MessageType.values()) {
			FunctionCounter.builder("pubsubclub.wamp.messages", metrics, (m) -> m.getMessagesIn(type))
				.description("Well-formed WAMP messages received, by WAMP version and message type")
				.tag("type", tag(type))
				.tag("protocol", WampProtocol.V2.tag())
				.register(registry);
		}
		FunctionCounter.builder("pubsubclub.wamp.call.errors", metrics, WampServerMetrics::getCallErrors)
			.description("CALLERROR replies sent")
			.register(registry);
		Drops.register(registry, "slow-session", "wamp-session", metrics, WampServerMetrics::getSlowSessionCloses);
		Drops.register(registry, "refused-topic", "subscribe", metrics, WampServerMetrics::getRefusedSubscribes);
		Drops.register(registry, "refused-topic", "publish", metrics, WampServerMetrics::getRefusedPublishes);
		for (WampServerMetrics.Limit limit : WampServerMetrics.Limit.values()) {
			Drops.register(registry, "session-limit", limit.propertyName(), metrics, (m) -> m.getLimitRefusals(limit));
		}
		Drops.register(registry, "call-dropped", "wamp-call", metrics, WampServerMetrics::getCallsDropped);
		Drops.register(registry, "call-timeout", "wamp-call", metrics, WampServerMetrics::getCallsTimedOut);
		Drops.register(registry, "call-rejected", "wamp-call", metrics, WampServerMetrics::getCallsRejected);
		FunctionCounter.builder("pubsubclub.wamp.publishes.slowed", metrics, WampServerMetrics::getPublishesSlowed)
			.description("Times a WAMP session's socket stopped being read because it published over its budget")
			.register(registry);
		FunctionCounter.builder("pubsubclub.wamp.sessions.slowed", metrics, WampServerMetrics::getSessionsSlowed)
			.description("WAMP sessions slowed at least once because they published over their budget")
			.register(registry);
		FunctionCounter.builder("pubsubclub.wamp.refusals.unlogged", metrics, WampServerMetrics::getUnloggedRefusals)
			.description("Ignored or refused WAMP messages counted but not logged, over the log's per-session or "
					+ "per-minute bound")
			.register(registry);
		for (WampServerMetrics.BadFrame kind : WampServerMetrics.BadFrame.values()) {
			Drops.register(registry, "bad-frame", "wamp-" + tag(kind), metrics, (m) -> m.getBadFrames(kind));
		}
	}

	static String tag(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
