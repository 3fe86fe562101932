package io.pubsubclub.wamp;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The checks every subscribe and publish on behalf of a session passes, of either
 * version. A subscribe: the topic's length ({@link SessionLimits#topicFits}), then the
 * access rules or authorizer ({@link WampAccessRules#maySubscribe}). A publish, from the
 * session's client or from application code ({@link WampPublisher}): the topic's length,
 * the access rules or authorizer ({@link WampAccessRules#mayPublish}), the exclude and
 * eligible lists ({@link SessionLimits#sessionListsRefusal}), the publish budget
 * ({@link SessionLimits#withinBudget}), in that order (for application code the first two
 * before its event is written to JSON). Each refusal is logged and counted
 * by the check that makes it. The budget is charged for a client's publish whether it was
 * refused or not, so that a flood of refused publishes is slowed as published ones are;
 * application code is charged for what it published and for lists refused. Publishes by
 * application code without a session pass none of these. Holds no state of its own.
 *
 * @author PubSubClub
 */
final class WampRequestChecks {

	private final SessionLimits limits;

	private final WampAccessRules access;

	WampRequestChecks(SessionLimits limits, WampAccessRules access) {
		this.limits = limits;
		this.access = access;
	}

	/**
	 * Check a subscribe.
	 * @return {@link WampServer#PUBLISHED} (0) when it may, else
	 * {@link WampServer#REFUSED_BY_ACCESS} or {@link WampServer#REFUSED_BY_LIMIT}
	 */
	long checkSubscribe(WampServerSession session, String topic) {
		if (!this.limits.topicFits(session, topic, "SUBSCRIBE")) {
			return WampServer.REFUSED_BY_LIMIT;
		}
		return this.access.maySubscribe(session, topic) ? WampServer.PUBLISHED : WampServer.REFUSED_BY_ACCESS;
	}

	/**
	 * Check a client's publish.
	 * @return {@link WampServer#PUBLISHED}, {@link WampServer#REFUSED_BY_ACCESS} or
	 * {@link WampServer#REFUSED_BY_LIMIT}
	 */
	long check(WampServerSession publisher, String topic, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		if (!this.limits.topicFits(publisher, topic, "PUBLISH")) {
			return WampServer.REFUSED_BY_LIMIT;
		}
		if (!this.access.mayPublish(publisher, topic)) {
			return WampServer.REFUSED_BY_ACCESS;
		}
		if (this.limits.sessionListsRefusal(publisher, topic, exclude, eligible) != null
				|| !this.limits.withinBudget(publisher, topic)) {
			return WampServer.REFUSED_BY_LIMIT;
		}
		return WampServer.PUBLISHED;
	}

	/**
	 * Check the topic of a publish by application code on a session's behalf, before its
	 * event is written.
	 * @throws WampRpcException with the v1 error URI and a description of the refusal
	 */
	void checkTopicForApplication(WampServerSession session, String topic) {
		if (!this.limits.topicFits(session, topic, "PUBLISH")) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_INVALID_ARGUMENT,
					"Topic longer than " + this.limits.maxTopicLength + " characters.");
		}
		if (!this.access.mayPublish(session, topic)) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_NOT_AUTHORIZED,
					"Not authorized to publish on " + topic + ".");
		}
	}

	/**
	 * Check the lists and the budget of a publish by application code on a session's
	 * behalf, after {@link #checkTopicForApplication}.
	 * @throws WampRpcException with the v1 error URI and a description of the refusal
	 */
	void checkListsForApplication(WampServerSession session, String topic, String eventJson,
			@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		String listsRefusal = this.limits.sessionListsRefusal(session, topic, exclude, eligible);
		if (listsRefusal != null) {
			this.limits.charge(session, topic, eventJson, exclude, eligible);
			throw new WampRpcException(WampWebSocketHandler.ERROR_INVALID_ARGUMENT,
					"Publish refused: " + listsRefusal + ".");
		}
		if (!this.limits.withinBudget(session, topic)) {
			throw new WampRpcException(WampWebSocketHandler.ERROR_BUSY, "Publish rate exceeded.");
		}
	}

	/**
	 * Charge a publish to the session's budget.
	 */
	void charge(WampServerSession publisher, String topic, String eventJson, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		this.limits.charge(publisher, topic, eventJson, exclude, eligible);
	}

}
