package io.pubsubclub.redis;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import io.pubsubclub.wamp.event.LocalSubscribers;

/**
 * The backplane's receiving side: which topic channels this node subscribes (one
 * {@link TopicReceiver} per topic with local subscribers), and what arrives on them.
 * <p>
 * Invariants: a channel is subscribed exactly while its topic has local subscribers;
 * the decision is taken under the subscription lock from
 * {@link LocalSubscribers#hasSubscribers}, whatever order the subscribe and unsubscribe
 * events arrive in, and SUBSCRIBE/UNSUBSCRIBE are handed to Lettuce (which queues them
 * without blocking or calling back) in that order. With history on, a receiver learns
 * where its topic's history ends <em>before</em> its channel is subscribed, and every
 * (re)subscription starts a {@link HistoryRecovery recovery}; without history, a
 * subscription again after a reconnect is reported as a gap. A publish of this node's
 * own start is never delivered again. Only the pub/sub connection's thread delivers
 * live messages, and only the recovery chain while a topic recovers (see
 * {@link TopicReceiver}), so the deliveries of one topic never overlap.
 * <p>
 * Bounds: one receiver per locally subscribed topic; a message is not kept beyond its
 * delivery.
 *
 * @author PubSubClub
 */
final class RedisSubscriptions {

	private final RedisBackplane backplane;

	private final RedisBackplaneSettings settings;

	private final LocalSubscribers localSubscribers;

	private final RedisCounters counters;

	private final HistoryRecovery recovery;

	private final long instance;

	private final Map<String, TopicReceiver> receivers = new ConcurrentHashMap<>();

	private final Object subscriptionLock = new Object();

	RedisSubscriptions(RedisBackplane backplane, RedisBackplaneSettings settings, LocalSubscribers localSubscribers,
			RedisCounters counters, long instance) {
		this.backplane = backplane;
		this.settings = settings;
		this.localSubscribers = localSubscribers;
		this.counters = counters;
		this.instance = instance;
		this.recovery = new HistoryRecovery(backplane, counters, this);
	}

	Collection<TopicReceiver> receivers() {
		return this.receivers.values();
	}

	/** A first connection: subscribe every topic subscribed locally. */
	void subscribeAll() {
		for (String topic : this.localSubscribers.topics()) {
			topicChanged(topic);
		}
	}

	void closeAll() {
		synchronized (this.subscriptionLock) {
			this.receivers.values().forEach(TopicReceiver::close);
			this.receivers.clear();
		}
	}

	void topicChanged(String topic) {
		// the event only says the topic changed; the subscribers say how
		synchronized (this.subscriptionLock) {
			RedisConnections connections = this.backplane.connections();
			if (connections == null || !this.backplane.isRunning()) {
				return;
			}
			boolean wanted = this.localSubscribers.hasSubscribers(topic);
			TopicReceiver receiver = this.receivers.get(topic);
			if (wanted && receiver == null) {
				receiver = new TopicReceiver(topic, this.settings);
				this.receivers.put(topic, receiver);
				if (this.settings.history()) {
					startFromHistory(receiver, RedisBackplane.MIN_RETRY_MILLIS);
				}
				else {
					connections.subscribe(receiver.channel());
				}
			}
			else if (!wanted && receiver != null) {
				this.receivers.remove(topic);
				receiver.close();
				connections.unsubscribe(receiver.channel());
			}
		}
	}

	// the stream's last id before subscribing: what is published after it is either
	// received on the channel or read from the stream once subscribed
	private void startFromHistory(TopicReceiver receiver, long retryMillis) {
		RedisConnections connections = this.backplane.connections();
		if (connections == null || receiver.isClosed()) {
			return;
		}
		connections.historyEnd(receiver.streamKey(), receiver.counterKey()).whenComplete((end, ex) -> {
			if (ex != null) {
				this.backplane.failed(ex.getMessage());
				this.backplane.schedule(() -> startFromHistory(receiver,
						Math.min(retryMillis * 2, RedisBackplane.MAX_RETRY_MILLIS)), retryMillis);
				return;
			}
			receiver.started(end);
			synchronized (this.subscriptionLock) {
				RedisConnections current = this.backplane.connections();
				if (current != null && this.receivers.get(receiver.topic()) == receiver) {
					current.subscribe(receiver.channel());
				}
			}
		});
	}

	void subscribed(String channel) {
		String topic = this.settings.topicOf(channel);
		TopicReceiver receiver = (topic != null) ? this.receivers.get(topic) : null;
		if (receiver == null) {
			return;
		}
		boolean again = receiver.subscribed();
		if (this.settings.history()) {
			this.recovery.recover(receiver);
		}
		else if (again) {
			this.recovery.reportGap(receiver.topic(), OptionalLong.empty(), "the channel was subscribed again after a "
					+ "Redis connection drop, and history is off (pubsubclub.redis.history.enabled)");
		}
	}

	void received(String channel, String message) {
		String topic = this.settings.topicOf(channel);
		TopicReceiver receiver = (topic != null) ? this.receivers.get(topic) : null;
		if (receiver == null) {
			// unsubscribed meanwhile
			return;
		}
		RedisEnvelope.Received received;
		try {
			received = RedisEnvelope.decodeMessage(message);
		}
		catch (IllegalArgumentException ex) {
			malformed(channel, ex);
			return;
		}
		TopicReceiver.Verdict verdict = receiver.live(received);
		if (verdict == TopicReceiver.Verdict.DELIVER) {
			deliver(receiver, received, false);
		}
		else if (verdict == TopicReceiver.Verdict.DUPLICATE) {
			this.counters.duplicates.increment();
		}
		else if (verdict == TopicReceiver.Verdict.RECOVER) {
			this.recovery.recover(receiver);
		}
	}

	void malformed(String where, IllegalArgumentException ex) {
		this.counters.malformed.increment();
		this.backplane.warn("not a PubSubClub publish on " + where + " (" + ex.getMessage() + "); dropped");
	}

	void deliver(TopicReceiver receiver, RedisEnvelope.Received received, boolean recovered) {
		if (received.instance() == this.instance) {
			// this node's own publish: its local subscribers had it already
			return;
		}
		if (received.v2()) {
			this.localSubscribers.deliver(receiver.topic(), received.eventJson(), received.exclude(),
					received.eligible(), true);
		}
		else if (received.exclude() == null && received.eligible() == null) {
			this.localSubscribers.deliver(receiver.topic(), received.eventJson());
		}
		else {
			this.localSubscribers.deliver(receiver.topic(), received.eventJson(), received.exclude(),
					received.eligible());
		}
		this.counters.received.increment();
		if (recovered) {
			this.counters.recovered.increment();
		}
	}

}
