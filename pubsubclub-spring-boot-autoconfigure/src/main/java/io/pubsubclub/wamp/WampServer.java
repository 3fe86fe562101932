package io.pubsubclub.wamp;

import java.security.SecureRandom;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthorizer;
import io.pubsubclub.transport.WriteBatch;
import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;
import org.springframework.web.socket.WebSocketSession;

/**
 * The WAMP server's state: open sessions of both versions, the checks every subscribe and
 * publish passes (limits, access rules, publish budget), and the
 * {@link WampTopicRegistry topic registry}, which delivers. Publishes the
 * {@link io.pubsubclub.wamp.event bridge events} and serves as the application's
 * {@link WampPublisher} and the cluster's {@link LocalSubscribers}.
 *
 * @author PubSubClub
 */
public class WampServer implements WampPublisher, LocalSubscribers, DisposableBean {

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.toCharArray();

	private final SecureRandom random = new SecureRandom();

	private final JsonMapper jsonMapper;

	private final ApplicationEventPublisher eventPublisher;

	private final WampServerMetrics metrics;

	private final Map<String, WampServerSession> sessions = new ConcurrentHashMap<>();

	private final WampTopicRegistry registry;

	private final WampAccessRules access;

	private final SessionLimits limits;

	private @Nullable ScheduledExecutorService timer;

	public WampServer(JsonMapper jsonMapper, ApplicationEventPublisher eventPublisher, WampServerMetrics metrics) {
		this.jsonMapper = jsonMapper;
		this.eventPublisher = eventPublisher;
		this.metrics = metrics;
		this.access = new WampAccessRules(metrics);
		this.limits = new SessionLimits(metrics, this::timer);
		this.registry = new WampTopicRegistry(this, jsonMapper, eventPublisher, metrics, this.limits);
	}

	/**
	 * Set the topics WAMP clients may subscribe to: exact URIs, or prefixes ending in
	 * {@code *}; any topic when empty. A refused SUBSCRIBE is logged and counted; WAMP v1
	 * has no reply for it.
	 * @param patterns the topic patterns
	 */
	public void setSubscribeTopics(Collection<String> patterns) {
		this.access.setSubscribeTopics(patterns);
	}

	/**
	 * Set the topics WAMP clients may publish on: exact URIs, or prefixes ending in
	 * {@code *}; any topic when empty. A refused PUBLISH is logged and counted; WAMP v1
	 * has no reply for it. Publishes from application code are not restricted.
	 * @param patterns the topic patterns
	 */
	public void setPublishTopics(Collection<String> patterns) {
		this.access.setPublishTopics(patterns);
	}

	/**
	 * Set who decides what each session may subscribe to, publish on and call; when set,
	 * it decides instead of the topic access rules (the default authorizer holds them).
	 * @param authorizer the authorizer, {@code null} for the topic access rules alone
	 */
	public void setAuthorizer(@Nullable WampAuthorizer authorizer) {
		this.access.setAuthorizer(authorizer);
	}

	/**
	 * Set whether a session must authenticate (WAMP-CRA, or a principal on the handshake)
	 * before it may subscribe, publish or call anything but WAMP-CRA's procedures.
	 * @param authRequired whether authentication is required
	 */
	public void setAuthRequired(boolean authRequired) {
		this.access.setAuthRequired(authRequired);
	}

	/**
	 * Set where authentication and authorization outcomes are counted.
	 * @param authMetrics the counters
	 */
	public void setAuthMetrics(WampAuthMetrics authMetrics) {
		this.access.setAuthMetrics(authMetrics);
	}

	/**
	 * Return the counters of authentication and authorization outcomes.
	 * @return the counters
	 */
	public WampAuthMetrics getAuthMetrics() {
		return this.access.authMetrics();
	}

	/**
	 * Set how many topics one session may subscribe to at once; a SUBSCRIBE beyond is not
	 * performed.
	 * @param maxSubscriptionsPerSession the limit
	 */
	public void setMaxSubscriptionsPerSession(int maxSubscriptionsPerSession) {
		this.limits.maxSubscriptionsPerSession = maxSubscriptionsPerSession;
	}

	/**
	 * Set the longest topic URI, in characters, a session may subscribe or publish to.
	 * @param maxTopicLength the limit
	 */
	public void setMaxTopicLength(int maxTopicLength) {
		this.limits.maxTopicLength = maxTopicLength;
	}

	/**
	 * Set how many distinct topics the sessions of this server may subscribe to in all; a
	 * SUBSCRIBE that would add one beyond is not performed.
	 * @param maxTopics the limit
	 */
	public void setMaxTopics(int maxTopics) {
		this.limits.maxTopics = maxTopics;
	}

	/**
	 * Set how many CURIE prefixes one session may define.
	 * @param maxPrefixesPerSession the limit
	 */
	public void setMaxPrefixesPerSession(int maxPrefixesPerSession) {
		this.limits.maxPrefixesPerSession = maxPrefixesPerSession;
	}

	/**
	 * Set the longest prefix, and the longest URI it stands for, in characters.
	 * @param maxPrefixLength the limit
	 */
	public void setMaxPrefixLength(int maxPrefixLength) {
		this.limits.maxPrefixLength = maxPrefixLength;
	}

	/**
	 * Set how many characters of events (topic and event JSON) one session may publish
	 * per second; a session over it is not read until it is back within it. Applies to
	 * sessions opened after the call.
	 * @param publishRate characters per second
	 */
	public void setPublishRate(long publishRate) {
		this.limits.publishRate = publishRate;
	}

	/**
	 * Set how many characters of events one session may publish at once before the
	 * publish rate holds it back. Kept below a reader's send buffer, a burst cannot cut
	 * off a reader that keeps up. Applies to sessions opened after the call.
	 * @param publishBurst characters
	 */
	public void setPublishBurst(long publishBurst) {
		this.limits.publishBurst = publishBurst;
	}

	/**
	 * Set how many session ids the exclude and eligible lists of one publish may name
	 * together; a publish naming more is refused.
	 * @param maxSessionIdsPerPublish the limit
	 */
	public void setMaxSessionIdsPerPublish(int maxSessionIdsPerPublish) {
		this.limits.maxSessionIdsPerPublish = maxSessionIdsPerPublish;
	}

	/**
	 * Set the longest session id, in characters, an exclude or eligible list may hold; a
	 * publish with a longer one is refused. Session ids are 16 characters.
	 * @param maxSessionIdLength the limit
	 */
	public void setMaxSessionIdLength(int maxSessionIdLength) {
		this.limits.maxSessionIdLength = maxSessionIdLength;
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
		return this.registry.subscriberCounts();
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
		return this.registry.topics();
	}

	@Override
	public boolean hasSubscribers(String topic) {
		return this.registry.hasSubscribers(topic);
	}

	@Override
	public int deliver(String topic, String eventJson) {
		// events from the cluster come one at a time: what queues up for a session while
		// the flusher writes goes out together
		try (WriteBatch batch = WriteBatch.openDeferred()) {
			return this.registry.deliver(topic, WampPublication.v1(eventJson), null, null);
		}
	}

	@Override
	public int deliver(String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		return this.registry.deliver(topic, WampPublication.v1(eventJson), exclude, eligible);
	}

	@Override
	public int deliver(String topic, String eventJson, @Nullable Set<String> exclude, @Nullable Set<String> eligible,
			boolean v2) {
		if (!v2) {
			return (exclude == null && eligible == null) ? deliver(topic, eventJson)
					: deliver(topic, eventJson, exclude, eligible);
		}
		return this.registry.deliver(topic, WampPublication.fromCluster(eventJson, true), exclude, eligible);
	}

	@Override
	public boolean hasSession(String sessionId) {
		return this.sessions.containsKey(sessionId);
	}

	@Override
	public int publish(String topic, @Nullable Object event, Collection<String> exclude,
			@Nullable Collection<String> eligible) {
		Assert.isTrue(!LoneSurrogates.in(topic), "Topic holds an unpaired surrogate");
		// an unpaired surrogate in a String cannot be sent as UTF-8: escaped, as in JSON
		String eventJson = LoneSurrogates.escape(this.jsonMapper.writeValueAsString(event));
		return publishJson(topic, WampPublication.v1(eventJson), exclude.isEmpty() ? null : Set.copyOf(exclude),
				(eligible != null) ? Set.copyOf(eligible) : null);
	}

	@Override
	public int publish(WampSession publisher, String topic, @Nullable Object event, Collection<String> exclude,
			@Nullable Collection<String> eligible) {
		Assert.isTrue(!LoneSurrogates.in(topic), "Topic holds an unpaired surrogate");
		if (!(publisher instanceof WampServerSession session) || !this.sessions.containsKey(session.getId())
				&& !session.isClosed()) {
			throw new IllegalArgumentException("Session " + publisher.getId() + " is not a session of this server");
		}
		if (session.isClosed()) {
			// a stage completing after its caller left: nobody to publish for
			return 0;
		}
		if (!this.limits.topicFits(session, topic, "PUBLISH")) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_INVALID_ARGUMENT,
					"Topic longer than " + this.limits.maxTopicLength + " characters.");
		}
		if (!this.access.mayPublish(session, topic)) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_NOT_AUTHORIZED,
					"Not authorized to publish on " + topic + ".");
		}
		String eventJson = LoneSurrogates.escape(this.jsonMapper.writeValueAsString(event));
		Set<String> excluded = exclude.isEmpty() ? null : Set.copyOf(exclude);
		Set<String> eligibles = (eligible != null) ? Set.copyOf(eligible) : null;
		String listsRefusal = this.limits.sessionListsRefusal(session, topic, excluded, eligibles);
		if (listsRefusal != null) {
			this.limits.charge(session, topic, eventJson, excluded, eligibles);
			throw new WampRpcException(WampWebSocketHandler.ERROR_INVALID_ARGUMENT,
					"Publish refused: " + listsRefusal + ".");
		}
		if (!this.limits.withinBudget(session, topic)) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_BUSY, "Publish rate exceeded.");
		}
		int delivered = publishJson(topic, WampPublication.v1(eventJson), excluded, eligibles);
		this.limits.charge(session, topic, eventJson, excluded, eligibles);
		return delivered;
	}

	@Override
	public void destroy() {
		ScheduledExecutorService timer;
		synchronized (this) {
			timer = this.timer;
			this.timer = null;
		}
		if (timer != null) {
			timer.shutdownNow();
		}
	}

	/**
	 * The server's timer, for call timeouts and resuming slowed publishers: short tasks
	 * only.
	 */
	synchronized ScheduledExecutorService timer() {
		ScheduledExecutorService timer = this.timer;
		if (timer == null) {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, "wamp-timer");
				thread.setDaemon(true);
				return thread;
			});
			executor.setRemoveOnCancelPolicy(true);
			timer = executor;
			this.timer = timer;
		}
		return timer;
	}

	SessionLimits limits() {
		return this.limits;
	}

	JsonMapper jsonMapper() {
		return this.jsonMapper;
	}

	WampAccessRules accessRules() {
		return this.access;
	}

	WampServerSession open(WebSocketSession webSocket) {
		return open(webSocket, WampProtocol.V1);
	}

	/**
	 * Open a session of either version: a v1 session gets a random 16-character id, a v2
	 * one a random integer in [1, 2^53] whose decimal text is its id here.
	 */
	WampServerSession open(WebSocketSession webSocket, WampProtocol protocol) {
		while (true) {
			WampServerSession session;
			if (protocol == WampProtocol.V2) {
				long id = 1 + this.random.nextLong(WampPublication.MAX_ID);
				session = new WampServerSession(Long.toString(id), webSocket, this.limits.publishRate,
						this.limits.publishBurst, new Wamp2State(id));
			}
			else {
				session = new WampServerSession(newSessionId(), webSocket, this.limits.publishRate,
						this.limits.publishBurst);
			}
			if (this.sessions.putIfAbsent(session.getId(), session) == null) {
				this.metrics.sessionOpened(protocol);
				return session;
			}
		}
	}

	void close(WampServerSession session) {
		if (!session.markClosed()) {
			return;
		}
		int dropped = session.calls().close();
		if (dropped > 0) {
			this.metrics.callsDropped(dropped);
		}
		this.registry.unsubscribeAll(session);
		this.sessions.remove(session.getId(), session);
		this.metrics.sessionClosed(session.protocol());
	}

	void subscribe(WampServerSession session, String topic) {
		subscribeTopic(session, topic);
	}

	/**
	 * Subscribe a session to a topic, or find it subscribed already.
	 * @return the topic's v2 subscription id; {@link #REFUSED_BY_ACCESS} when the access
	 * rules refused it, {@link #REFUSED_BY_LIMIT} when a limit did, {@link #GONE} when the
	 * session closed (each logged and counted)
	 */
	long subscribeTopic(WampServerSession session, String topic) {
		if (!this.limits.topicFits(session, topic, "SUBSCRIBE")) {
			return REFUSED_BY_LIMIT;
		}
		if (!this.access.maySubscribe(session, topic)) {
			return REFUSED_BY_ACCESS;
		}
		return this.registry.subscribe(session, topic);
	}

	/** {@link #subscribeTopic}: refused by the access rules. */
	static final long REFUSED_BY_ACCESS = -1;

	/** {@link #subscribeTopic}: refused by a limit. */
	static final long REFUSED_BY_LIMIT = WampTopicRegistry.REFUSED_BY_LIMIT;

	/** {@link #subscribeTopic}: the session closed. */
	static final long GONE = WampTopicRegistry.GONE;

	/**
	 * Return the topic of a v2 subscription id, if the session holds it.
	 */
	@Nullable String subscribedTopic(WampServerSession session, long subscriptionId) {
		return this.registry.subscribedTopic(session, subscriptionId);
	}

	/**
	 * Check the session's subscriptions again, after it authenticated: the ones it may no
	 * longer hold are dropped, so that events (local or from the cluster) reach it only
	 * on topics it may subscribe to.
	 */
	void recheckSubscriptions(WampServerSession session) {
		for (String topic : Set.copyOf(session.topics())) {
			if (!this.access.maySubscribe(session, topic)) {
				unsubscribe(session, topic);
			}
		}
	}

	void unsubscribe(WampServerSession session, String topic) {
		this.registry.unsubscribe(session, topic);
	}

	/**
	 * Publish an event already in JSON text, as {@code jsonMapper.writeValueAsString}
	 * writes it.
	 */
	void publish(WampServerSession publisher, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		publish(publisher, topic, WampPublication.v1(eventJson), exclude, eligible);
	}

	/**
	 * Publish for a session of either version.
	 * @return {@link #PUBLISHED}, or why not: {@link #REFUSED_BY_ACCESS},
	 * {@link #REFUSED_BY_LIMIT} (each logged and counted)
	 */
	long publish(WampServerSession publisher, String topic, WampPublication publication,
			@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		long outcome;
		if (!this.limits.topicFits(publisher, topic, "PUBLISH")) {
			outcome = REFUSED_BY_LIMIT;
		}
		else if (!this.access.mayPublish(publisher, topic)) {
			outcome = REFUSED_BY_ACCESS;
		}
		else if (this.limits.sessionListsRefusal(publisher, topic, exclude, eligible) != null
				|| !this.limits.withinBudget(publisher, topic)) {
			outcome = REFUSED_BY_LIMIT;
		}
		else {
			publishJson(topic, publication, exclude, eligible);
			outcome = PUBLISHED;
		}
		// refused or not: a flood of refused publishes is slowed as published ones are
		this.limits.charge(publisher, topic, publication.eventJson(), exclude, eligible);
		return outcome;
	}

	/** {@link #publish(WampServerSession, String, WampPublication, Set, Set)}: done. */
	static final long PUBLISHED = 0;

	private int publishJson(String topic, WampPublication publication, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		this.metrics.published();
		int delivered = this.registry.deliver(topic, publication, exclude, eligible);
		// authid and authrole lists cannot cross the cluster (PSC has no field for them):
		// such a publish is eligible for no session elsewhere, rather than for the wrong ones
		Set<String> elsewhere = (publication.authFilter() != null) ? Set.of() : eligible;
		this.eventPublisher.publishEvent(new WampPublishedEvent(this, topic, publication.eventJson(), exclude,
				elsewhere, publication.isWrapped()));
		return delivered;
	}

	private String newSessionId() {
		char[] id = new char[16];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

}
