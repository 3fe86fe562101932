package io.pubsubclub.wamp;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.support.TextFrame;
import io.pubsubclub.wamp.transport.WriteBatch;
import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;
import org.springframework.web.socket.WebSocketSession;

/**
 * The WAMP server's state: open sessions and the topic registry (topic to subscribed
 * sessions). Delivers events, publishes the {@link io.pubsubclub.wamp.event bridge
 * events} and serves as the application's {@link WampPublisher} and the cluster's
 * {@link LocalSubscribers}.
 * <p>
 * One publish is encoded once: the EVENT frame is built as one string and that string is
 * handed to every recipient's outbound buffer, which never blocks. Deliveries read the
 * registry without locking; subscription changes are serialized among themselves so that
 * the first-subscriber and last-unsubscriber events of a topic come in order.
 *
 * @author PubSubClub
 */
public class WampServer implements WampPublisher, LocalSubscribers {

	private static final Log logger = LogFactory.getLog(WampServer.class);

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.toCharArray();

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper jsonMapper;

	private final ApplicationEventPublisher eventPublisher;

	private final WampServerMetrics metrics;

	private final Map<String, WampServerSession> sessions = new ConcurrentHashMap<>();

	private final Map<String, Topic> topics = new ConcurrentHashMap<>();

	private final Object subscriptionLock = new Object();

	private volatile TopicPatterns subscribeTopics = TopicPatterns.ANY;

	private volatile TopicPatterns publishTopics = TopicPatterns.ANY;

	public WampServer(JsonMapper jsonMapper, ApplicationEventPublisher eventPublisher, WampServerMetrics metrics) {
		this.jsonMapper = jsonMapper;
		this.eventPublisher = eventPublisher;
		this.metrics = metrics;
	}

	/**
	 * Set the topics WAMP clients may subscribe to: exact URIs, or prefixes ending in
	 * {@code *}; any topic when empty. A refused SUBSCRIBE is logged and counted; WAMP v1
	 * has no reply for it.
	 * @param patterns the topic patterns
	 */
	public void setSubscribeTopics(Collection<String> patterns) {
		this.subscribeTopics = new TopicPatterns(patterns);
	}

	/**
	 * Set the topics WAMP clients may publish on: exact URIs, or prefixes ending in
	 * {@code *}; any topic when empty. A refused PUBLISH is logged and counted; WAMP v1
	 * has no reply for it. Publishes from application code are not restricted.
	 * @param patterns the topic patterns
	 */
	public void setPublishTopics(Collection<String> patterns) {
		this.publishTopics = new TopicPatterns(patterns);
	}

	/**
	 * Return the number of open WAMP sessions.
	 * @return the open sessions
	 */
	public int getSessionCount() {
		return this.sessions.size();
	}

	/**
	 * Return the topics with local subscribers and how many each has.
	 * @return a sorted snapshot of topic URI to subscriber count
	 */
	public Map<String, Integer> getTopicSubscriberCounts() {
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
	 * Return the server's counters.
	 * @return the metrics
	 */
	public WampServerMetrics getMetrics() {
		return this.metrics;
	}

	@Override
	public Set<String> topics() {
		return Set.copyOf(this.topics.keySet());
	}

	@Override
	public boolean hasSubscribers(String topic) {
		return this.topics.containsKey(topic);
	}

	@Override
	public int deliver(String topic, String eventJson) {
		// events from the cluster come one at a time: what queues up for a session while
		// the flusher writes goes out together
		try (WriteBatch batch = WriteBatch.openDeferred()) {
			return dispatch(topic, eventJson, null, null);
		}
	}

	@Override
	public int publish(String topic, @Nullable Object event, Collection<String> exclude,
			@Nullable Collection<String> eligible) {
		Assert.isTrue(!LoneSurrogates.in(topic), "Topic holds an unpaired surrogate");
		// an unpaired surrogate in a String cannot be sent as UTF-8: escaped, as in JSON
		String eventJson = LoneSurrogates.escape(this.jsonMapper.writeValueAsString(event));
		return publishJson(topic, eventJson, exclude.isEmpty() ? null : Set.copyOf(exclude),
				(eligible != null) ? Set.copyOf(eligible) : null);
	}

	JsonMapper jsonMapper() {
		return this.jsonMapper;
	}

	WampServerSession open(WebSocketSession webSocket) {
		while (true) {
			WampServerSession session = new WampServerSession(newSessionId(), webSocket);
			if (this.sessions.putIfAbsent(session.getId(), session) == null) {
				this.metrics.sessionOpened();
				return session;
			}
		}
	}

	void close(WampServerSession session) {
		if (!session.markClosed()) {
			return;
		}
		synchronized (this.subscriptionLock) {
			for (String topic : session.topics()) {
				removeSubscriber(topic, session);
			}
			session.topics().clear();
		}
		this.sessions.remove(session.getId(), session);
		this.metrics.sessionClosed();
	}

	void subscribe(WampServerSession session, String topic) {
		if (!this.subscribeTopics.allows(topic)) {
			this.metrics.refusedSubscribe();
			logger.info("WAMP session " + session.getId() + ": SUBSCRIBE to " + topic + " refused by topic access rules");
			return;
		}
		synchronized (this.subscriptionLock) {
			if (session.isClosed() || !session.topics().add(topic)) {
				return;
			}
			Topic entry = this.topics.get(topic);
			boolean first = (entry == null);
			if (first) {
				entry = new Topic(this.jsonMapper.writeValueAsString(topic));
				this.topics.put(topic, entry);
			}
			entry.subscribers.add(session);
			if (first) {
				this.eventPublisher.publishEvent(new WampSubscribedEvent(this, topic));
			}
		}
	}

	void unsubscribe(WampServerSession session, String topic) {
		synchronized (this.subscriptionLock) {
			if (session.topics().remove(topic)) {
				removeSubscriber(topic, session);
			}
		}
	}

	/**
	 * Publish an event already in JSON text, as {@code jsonMapper.writeValueAsString}
	 * writes it.
	 */
	void publish(WampServerSession publisher, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		if (mayPublish(publisher, topic)) {
			publishJson(topic, eventJson, exclude, eligible);
		}
	}

	private boolean mayPublish(WampServerSession publisher, String topic) {
		if (this.publishTopics.allows(topic)) {
			return true;
		}
		this.metrics.refusedPublish();
		logger.info("WAMP session " + publisher.getId() + ": PUBLISH on " + topic + " refused by topic access rules");
		return false;
	}

	private int publishJson(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		this.metrics.published();
		int delivered = dispatch(topic, eventJson, exclude, eligible);
		this.eventPublisher.publishEvent(new WampPublishedEvent(this, topic, eventJson));
		return delivered;
	}

	private int dispatch(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		Topic entry = this.topics.get(topic);
		if (entry == null) {
			return 0;
		}
		TextFrame frame = new TextFrame(entry.eventFramePrefix + eventJson + ']');
		int delivered = 0;
		for (WampServerSession session : entry.subscribers) {
			if ((exclude == null || !exclude.contains(session.getId()))
					&& (eligible == null || eligible.contains(session.getId())) && session.send(frame)) {
				delivered++;
			}
		}
		this.metrics.eventsDelivered(delivered);
		return delivered;
	}

	private void removeSubscriber(String topic, WampServerSession session) {
		Topic entry = this.topics.get(topic);
		if (entry == null) {
			return;
		}
		entry.subscribers.remove(session);
		if (entry.subscribers.isEmpty()) {
			this.topics.remove(topic);
			this.eventPublisher.publishEvent(new WampUnsubscribedEvent(this, topic));
		}
	}

	private String newSessionId() {
		char[] id = new char[16];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

	/**
	 * A topic with local subscribers and the start of its EVENT frame, encoded once.
	 */
	private static final class Topic {

		private final String eventFramePrefix;

		private final Set<WampServerSession> subscribers = ConcurrentHashMap.newKeySet();

		Topic(String quotedUri) {
			this.eventFramePrefix = "[8," + quotedUri + ",";
		}

	}

}
