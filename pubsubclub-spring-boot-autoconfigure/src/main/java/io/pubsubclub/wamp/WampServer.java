package io.pubsubclub.wamp;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

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
 * The WAMP server: the open sessions of both versions ({@link WampSessions}), the checks
 * every subscribe and publish passes ({@link WampRequestChecks}: limits, access rules,
 * publish budget) and the {@link WampTopicRegistry topic registry}, which delivers; its
 * settings. Publishes the {@link io.pubsubclub.wamp.event bridge events} and serves as
 * the application's {@link WampPublisher} and the cluster's {@link LocalSubscribers}.
 * <p>
 * Invariants: every publish of a session, either version, passes
 * {@link WampRequestChecks} before it is delivered and is charged to the session's
 * budget; every delivered publish, local or the application's, is announced once as a
 * {@link WampPublishedEvent} (which the cluster forwards), while deliveries from the
 * cluster ({@code deliver}) are not; a closed session is in no topic. Thread-safe: called
 * from every session's thread, the cluster's and the application's; its own state is in
 * concurrent maps, its one lock the registry's subscription lock.
 *
 * @author PubSubClub
 */
public class WampServer implements WampPublisher, LocalSubscribers, DisposableBean {

	private final JsonMapper jsonMapper;

	private final ApplicationEventPublisher eventPublisher;

	private final WampServerMetrics metrics;

	private final WampSessions sessions;

	private final WampTopicRegistry registry;

	private final WampAccessRules access;

	private final SessionLimits limits;

	private final WampRequestChecks checks;

	private final WampTimer timer = new WampTimer();

	public WampServer(JsonMapper jsonMapper, ApplicationEventPublisher eventPublisher, WampServerMetrics metrics) {
		this.jsonMapper = jsonMapper;
		this.eventPublisher = eventPublisher;
		this.metrics = metrics;
		this.access = new WampAccessRules(metrics);
		this.limits = new SessionLimits(metrics, this.timer::get);
		this.registry = new WampTopicRegistry(this, jsonMapper, eventPublisher, metrics, this.limits);
		this.sessions = new WampSessions(metrics, this.limits, this.registry);
		this.checks = new WampRequestChecks(this.limits, this.access);
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
		return this.sessions.count();
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
		return v2 ? this.registry.deliver(topic, WampPublication.fromCluster(eventJson, true), exclude, eligible)
				: LocalSubscribers.super.deliver(topic, eventJson, exclude, eligible, false);
	}

	@Override
	public boolean hasSession(String sessionId) {
		return this.sessions.contains(sessionId);
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
		WampServerSession session = this.sessions.publisher(publisher);
		if (session == null) {
			// a stage completing after its caller left: nobody to publish for
			return 0;
		}
		this.checks.checkTopicForApplication(session, topic);
		String eventJson = LoneSurrogates.escape(this.jsonMapper.writeValueAsString(event));
		Set<String> excluded = exclude.isEmpty() ? null : Set.copyOf(exclude);
		Set<String> eligibles = (eligible != null) ? Set.copyOf(eligible) : null;
		this.checks.checkListsForApplication(session, topic, eventJson, excluded, eligibles);
		int delivered = publishJson(topic, WampPublication.v1(eventJson), excluded, eligibles);
		this.checks.charge(session, topic, eventJson, excluded, eligibles);
		return delivered;
	}

	@Override
	public void destroy() {
		this.timer.shutdown();
	}

	/** The server's timer: short tasks only (see {@link WampTimer}). */
	ScheduledExecutorService timer() {
		return this.timer.get();
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

	/** Open a session of either version: see {@link WampSessions}. */
	WampServerSession open(WebSocketSession webSocket, WampProtocol protocol) {
		return this.sessions.open(webSocket, protocol);
	}

	void close(WampServerSession session) {
		this.sessions.close(session);
	}

	/**
	 * Subscribe a session to a topic, or find it subscribed already.
	 * @return the topic's v2 subscription id; {@link #REFUSED_BY_ACCESS} when the access
	 * rules refused it, {@link #REFUSED_BY_LIMIT} when a limit did, {@link #GONE} when the
	 * session closed (each logged and counted)
	 */
	long subscribeTopic(WampServerSession session, String topic) {
		long refusal = this.checks.checkSubscribe(session, topic);
		return (refusal != PUBLISHED) ? refusal : this.registry.subscribe(session, topic);
	}

	/** {@link #subscribeTopic}, {@link #publish}: refused by the access rules. */
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
		this.registry.unsubscribeUnless(session, (topic) -> this.access.maySubscribe(session, topic));
	}

	void unsubscribe(WampServerSession session, String topic) {
		this.registry.unsubscribe(session, topic);
	}

	/**
	 * Publish for a session of either version.
	 * @return {@link #PUBLISHED}, or why not: {@link #REFUSED_BY_ACCESS},
	 * {@link #REFUSED_BY_LIMIT} (each logged and counted)
	 */
	long publish(WampServerSession publisher, String topic, WampPublication publication,
			@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		long outcome = this.checks.check(publisher, topic, exclude, eligible);
		if (outcome == PUBLISHED) {
			publishJson(topic, publication, exclude, eligible);
		}
		// refused or not: a flood of refused publishes is slowed as published ones are
		this.checks.charge(publisher, topic, publication.eventJson(), exclude, eligible);
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

}
