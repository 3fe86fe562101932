package io.pubsubclub.wamp;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.support.TextFrame;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The topic registry of a {@link WampServer}: topic to subscribed sessions of either WAMP
 * version, and the delivery of one publication to them.
 * <p>
 * One publish is encoded once per version: the v1 EVENT frame and the v2 EVENT frame are
 * each built as one string, only when a subscriber of that version is met, and handed to
 * every such recipient's outbound buffer, which never blocks. Deliveries read the registry
 * without locking; subscription changes are serialized among themselves (the subscription
 * lock) so that the first-subscriber and last-unsubscriber bridge events of a topic come
 * in order. A topic has one v2 subscription id, shared by its v2 subscribers, which goes
 * with the topic's last subscriber. Subscription ids have router scope (WAMP2.md: only
 * session and publication ids are global and random), so they are counted from 1, skipping
 * any still in use after the count wraps at 2^53: every v2 EVENT carries its subscription
 * id, and a short one keeps the EVENT about as long as the v1 EVENT of a short topic (a
 * random id costs 15 more bytes on every delivery: benchmarks/README.md has what that
 * costs). How many topics and
 * subscriptions there may be is the {@link SessionLimits}' business, checked here under
 * the lock.
 *
 * @author PubSubClub
 */
final class WampTopicRegistry {

	/** {@link #subscribe}: refused by a limit. */
	static final long REFUSED_BY_LIMIT = -2;

	/** {@link #subscribe}: the session closed. */
	static final long GONE = -3;

	private static final Log logger = LogFactory.getLog(WampServer.class);

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	// v2 subscription id to topic: one id per topic, shared by its v2 subscribers
	private final Map<Long, Topic> subscriptionIds = new ConcurrentHashMap<>();

	private final Object subscriptionLock = new Object();

	// under the subscription lock: the last subscription id handed out
	private long lastSubscriptionId;

	private final Object eventSource;

	private final JsonMapper jsonMapper;

	private final ApplicationEventPublisher eventPublisher;

	private final WampServerMetrics metrics;

	private final SessionLimits limits;

	/**
	 * @param eventSource the source of the bridge events (the server)
	 */
	WampTopicRegistry(Object eventSource, JsonMapper jsonMapper, ApplicationEventPublisher eventPublisher,
			WampServerMetrics metrics, SessionLimits limits) {
		this.eventSource = eventSource;
		this.jsonMapper = jsonMapper;
		this.eventPublisher = eventPublisher;
		this.metrics = metrics;
		this.limits = limits;
	}

	Set<String> topics() {
		return Set.copyOf(this.topics.keySet());
	}

	boolean hasSubscribers(String topic) {
		return this.topics.containsKey(topic);
	}

	/** A sorted snapshot of topic URI to subscriber count. */
	Map<String, Integer> subscriberCounts() {
		Map<String, Integer> counts = new TreeMap<>();
		this.topics.forEach((uri, topic) -> {
			int size = topic.subscribers.size();
			if (size > 0) {
				counts.put(uri, size);
			}
		});
		return counts;
	}

	/**
	 * Subscribe a session to a topic, or find it subscribed already; the session-count and
	 * node-topic limits are checked under the lock.
	 * @return the topic's v2 subscription id; {@link #REFUSED_BY_LIMIT} or {@link #GONE}
	 */
	long subscribe(WampServerSession session, String topic) {
		synchronized (this.subscriptionLock) {
			if (session.isClosed()) {
				return GONE;
			}
			if (session.topics().contains(topic)) {
				Topic entry = this.topics.get(topic);
				return (entry != null) ? entry.subscriptionId : GONE;
			}
			if (!this.limits.maySubscribeOneMore(session, topic)) {
				return REFUSED_BY_LIMIT;
			}
			Topic entry = this.topics.get(topic);
			boolean first = (entry == null);
			if (first) {
				if (!this.limits.mayAddTopic(session, topic, this.topics.size())) {
					return REFUSED_BY_LIMIT;
				}
				entry = newTopic(topic);
			}
			// every holder of the topic shares the registry's copy of its URI
			session.topics().add(entry.uri);
			entry.subscribers.add(session);
			if (first) {
				this.eventPublisher.publishEvent(new WampSubscribedEvent(this.eventSource, topic));
			}
			return entry.subscriptionId;
		}
	}

	// under the subscription lock
	private Topic newTopic(String topic) {
		while (true) {
			long subscriptionId = (this.lastSubscriptionId >= WampPublication.MAX_ID) ? 1 : this.lastSubscriptionId + 1;
			this.lastSubscriptionId = subscriptionId;
			Topic entry = new Topic(topic, this.jsonMapper.writeValueAsString(topic), subscriptionId);
			if (this.subscriptionIds.putIfAbsent(subscriptionId, entry) == null) {
				this.topics.put(topic, entry);
				return entry;
			}
		}
	}

	/**
	 * Return the topic of a v2 subscription id, if the session holds it.
	 */
	@Nullable String subscribedTopic(WampServerSession session, long subscriptionId) {
		Topic entry = this.subscriptionIds.get(subscriptionId);
		return (entry != null && session.topics().contains(entry.uri)) ? entry.uri : null;
	}

	void unsubscribe(WampServerSession session, String topic) {
		synchronized (this.subscriptionLock) {
			if (session.topics().remove(topic)) {
				removeSubscriber(topic, session);
			}
		}
	}

	/**
	 * Take a session out of each of its topics that it may no longer hold; the check is
	 * called outside the subscription lock.
	 */
	void unsubscribeUnless(WampServerSession session, Predicate<String> mayHold) {
		for (String topic : Set.copyOf(session.topics())) {
			if (!mayHold.test(topic)) {
				unsubscribe(session, topic);
			}
		}
	}

	/** Take a closing session out of all its topics. */
	void unsubscribeAll(WampServerSession session) {
		synchronized (this.subscriptionLock) {
			for (String topic : session.topics()) {
				try {
					removeSubscriber(topic, session);
				}
				catch (RuntimeException ex) {
					// the session is out of the topic already; its other topics must go too
					logger.warn("WAMP session " + session.getId() + ": a listener failed on the last unsubscribe of "
							+ topic, ex);
				}
			}
			session.topics().clear();
		}
	}

	/**
	 * Deliver a publication to the topic's subscribers that the lists and the
	 * authid/authrole filter let through.
	 * @return how many sessions it was handed to
	 */
	int deliver(String topic, WampPublication publication, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		Topic entry = this.topics.get(topic);
		if (entry == null) {
			return 0;
		}
		TextFrame v1Frame = null;
		TextFrame v2Frame = null;
		WampPublication.AuthFilter authFilter = publication.authFilter();
		int delivered = 0;
		int deliveredV2 = 0;
		for (WampServerSession session : entry.subscribers) {
			if ((exclude != null && exclude.contains(session.getId()))
					|| (eligible != null && !eligible.contains(session.getId()))
					|| (authFilter != null && !authFilter.allows(session.getAuthId(), session.getAuthRole()))) {
				continue;
			}
			if (session.v2() == null) {
				if (v1Frame == null) {
					v1Frame = new TextFrame(entry.frame(publication.eventJson()));
				}
				if (session.send(v1Frame)) {
					delivered++;
				}
			}
			else {
				if (v2Frame == null) {
					v2Frame = new TextFrame(publication.v2Frame(entry.subscriptionId, this.jsonMapper));
				}
				if (session.send(v2Frame)) {
					deliveredV2++;
				}
			}
		}
		this.metrics.eventsDelivered(delivered, deliveredV2);
		return delivered + deliveredV2;
	}

	// under the subscription lock
	private void removeSubscriber(String topic, WampServerSession session) {
		Topic entry = this.topics.get(topic);
		if (entry == null) {
			return;
		}
		entry.subscribers.remove(session);
		if (entry.subscribers.isEmpty()) {
			this.topics.remove(topic);
			this.subscriptionIds.remove(entry.subscriptionId, entry);
			this.eventPublisher.publishEvent(new WampUnsubscribedEvent(this.eventSource, topic));
		}
	}

	/**
	 * A topic with local subscribers. Its URI is kept once, for the registry, every
	 * subscriber and the EVENT frame: JSON text of a URI that needs no escaping is the URI
	 * in quotes, so only a URI that does keeps its encoded form as well.
	 */
	private static final class Topic {

		private final String uri;

		private final @Nullable String quotedUri;

		private final long subscriptionId;

		private final Set<WampServerSession> subscribers = ConcurrentHashMap.newKeySet();

		Topic(String uri, String quotedUri, long subscriptionId) {
			this.uri = uri;
			this.subscriptionId = subscriptionId;
			boolean plain = quotedUri.length() == uri.length() + 2 && quotedUri.regionMatches(1, uri, 0, uri.length());
			this.quotedUri = plain ? null : quotedUri;
		}

		String frame(String eventJson) {
			String quoted = this.quotedUri;
			if (quoted != null) {
				return "[8," + quoted + "," + eventJson + "]";
			}
			return "[8,\"" + this.uri + "\"," + eventJson + "]";
		}

	}

}
