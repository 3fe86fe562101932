package io.pubsubclub.wamp;

import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The per-session limits and the per-node topic cap: what is over them is refused (or,
 * for the publish rate, slowed), counted in {@link WampServerMetrics}, and logged once
 * per session and limit.
 * <p>
 * A publish is charged to the session's budget for its topic, its event JSON and the
 * session ids of its exclude and eligible lists (all but the publisher's own, which never
 * leaves the node), because those ids travel with the event to every consumer node and
 * into the replay buffer; a refused publish is charged too, so that refusals cost a
 * flooding client the same time as publishes. The lists hold at most
 * {@code maxSessionIdsPerPublish} ids of at most {@code maxSessionIdLength} characters.
 *
 * @author PubSubClub
 */
final class SessionLimits {

	private static final Log logger = LogFactory.getLog(SessionLimits.class);

	private final WampServerMetrics metrics;

	private final Supplier<ScheduledExecutorService> timer;

	volatile int maxSubscriptionsPerSession = 1000;

	volatile int maxTopicLength = 1024;

	volatile int maxTopics = 50_000;

	volatile int maxPrefixesPerSession = 64;

	volatile int maxPrefixLength = 1024;

	volatile long publishRate = 1024 * 1024;

	volatile long publishBurst = 256 * 1024;

	volatile int maxSessionIdsPerPublish = 1024;

	volatile int maxSessionIdLength = 64;

	SessionLimits(WampServerMetrics metrics, Supplier<ScheduledExecutorService> timer) {
		this.metrics = metrics;
		this.timer = timer;
	}

	/**
	 * Whether the session may hold one more subscription; the caller holds the
	 * subscription lock.
	 */
	boolean maySubscribeOneMore(WampServerSession session, String topic) {
		if (session.topics().size() < this.maxSubscriptionsPerSession) {
			return true;
		}
		refuse(session, WampServerMetrics.Limit.SUBSCRIPTIONS_PER_SESSION, "SUBSCRIBE to " + shortened(topic)
				+ " refused, " + this.maxSubscriptionsPerSession + " subscriptions held");
		return false;
	}

	/**
	 * Whether the node may have one more topic; the caller holds the subscription lock.
	 */
	boolean mayAddTopic(WampServerSession session, String topic, int topics) {
		if (topics < this.maxTopics) {
			return true;
		}
		refuse(session, WampServerMetrics.Limit.TOPICS_PER_NODE,
				"SUBSCRIBE to " + shortened(topic) + " refused, the node has " + this.maxTopics + " topics");
		return false;
	}

	/**
	 * Count a refusal by a limit, and log the session's first.
	 */
	void refuse(WampServerSession session, WampServerMetrics.Limit limit, String what) {
		this.metrics.limitRefused(limit);
		if (session.firstRefusal(limit)) {
			logger.info("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress() + ": "
					+ what + " (pubsubclub.wamp.limits." + limit.propertyName()
					+ "); further refusals of this session by this limit are counted, not logged");
		}
	}

	/**
	 * Whether a PREFIX may be kept, counted and logged if not.
	 */
	boolean mayPrefix(WampServerSession session, String prefix, String uri) {
		int max = this.maxPrefixLength;
		if (prefix.length() > max || uri.length() > max) {
			refuse(session, WampServerMetrics.Limit.PREFIX_LENGTH,
					"PREFIX refused, prefix or URI longer than " + max + " characters");
			return false;
		}
		if (session.prefixCount() >= this.maxPrefixesPerSession && !session.hasPrefix(prefix)) {
			refuse(session, WampServerMetrics.Limit.PREFIXES_PER_SESSION,
					"PREFIX refused, " + this.maxPrefixesPerSession + " prefixes defined");
			return false;
		}
		return true;
	}

	/**
	 * A topic for a log line: a client chooses its length.
	 */
	static String shortened(String topic) {
		return (topic.length() <= 100) ? topic : topic.substring(0, 100) + "... (" + topic.length() + " characters)";
	}

	boolean topicFits(WampServerSession session, String topic, String what) {
		if (topic.length() <= this.maxTopicLength) {
			return true;
		}
		refuse(session, WampServerMetrics.Limit.TOPIC_LENGTH,
				what + " refused, topic of " + topic.length() + " characters over " + this.maxTopicLength);
		return false;
	}

	/**
	 * Whether the session may publish now: always when its reading can be suspended
	 * (it is slowed after the publish instead); otherwise only when it owes nothing.
	 */
	boolean withinBudget(WampServerSession session, String topic) {
		if (session.readThrottle().canSuspend() || session.publishBudget().owed(System.nanoTime()) == 0) {
			return true;
		}
		refuse(session, WampServerMetrics.Limit.PUBLISH_RATE, "PUBLISH on " + shortened(topic) + " refused, over the publish rate");
		return false;
	}

	/**
	 * Whether the exclude and eligible lists of a publish are within the limits, counted
	 * and logged if not.
	 * @return {@code null} when they are, else why not (for a CALLERROR)
	 */
	@Nullable String sessionListsRefusal(WampServerSession session, String topic, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		int count = ((exclude != null) ? exclude.size() : 0) + ((eligible != null) ? eligible.size() : 0);
		if (count > this.maxSessionIdsPerPublish) {
			String why = "exclude and eligible lists name " + count + " session ids, over "
					+ this.maxSessionIdsPerPublish;
			refuse(session, WampServerMetrics.Limit.SESSION_IDS_PER_PUBLISH,
					"PUBLISH on " + shortened(topic) + " refused, " + why);
			return why;
		}
		int max = this.maxSessionIdLength;
		if (longerThan(exclude, max) || longerThan(eligible, max)) {
			String why = "a session id in the exclude or eligible list is longer than " + max + " characters";
			refuse(session, WampServerMetrics.Limit.SESSION_ID_LENGTH, "PUBLISH on " + shortened(topic) + " refused, " + why);
			return why;
		}
		return null;
	}

	private static boolean longerThan(@Nullable Set<String> ids, int max) {
		if (ids != null) {
			for (String id : ids) {
				if (id.length() > max) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Characters a publish costs: topic, event JSON, and each listed session id but the
	 * publisher's own with its quotes and comma.
	 */
	static long cost(WampServerSession session, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		return topic.length() + eventJson.length() + idsCost(session, exclude) + idsCost(session, eligible);
	}

	private static long idsCost(WampServerSession session, @Nullable Set<String> ids) {
		long cost = 0;
		if (ids != null) {
			for (String id : ids) {
				if (!id.equals(session.getId())) {
					cost += id.length() + 3;
				}
			}
		}
		return cost;
	}

	void charge(WampServerSession session, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		charge(session, cost(session, topic, eventJson, exclude, eligible));
	}

	private void charge(WampServerSession session, long chars) {
		long owed = session.publishBudget().take(chars, System.nanoTime());
		if (owed > 0 && session.readThrottle().suspend(owed, this.timer.get())) {
			this.metrics.publishSlowed();
			if (session.firstRefusal(WampServerMetrics.Limit.PUBLISH_RATE)) {
				logger.info("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
						+ ": over the publish rate (pubsubclub.wamp.limits.publish-rate), not read for "
						+ TimeUnit.NANOSECONDS.toMillis(owed) + " ms; further slowdowns are counted, not logged");
			}
		}
	}

}
