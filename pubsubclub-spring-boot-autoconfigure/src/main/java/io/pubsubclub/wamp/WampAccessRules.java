package io.pubsubclub.wamp;

import java.util.Collection;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthorizer;

/**
 * The one place where a session's SUBSCRIBE, PUBLISH and CALL are authorised, whether
 * the client sent the message or a procedure publishes on the session's behalf: first
 * {@code pubsubclub.wamp.auth.required} (an unauthenticated session may do nothing but
 * WAMP-CRA), then the {@link WampAuthorizer} when one is set (WAMP-CRA permissions, a
 * Spring Security principal), otherwise the topic access rules
 * ({@code pubsubclub.wamp.topics.*}).
 * <p>
 * A refusal is counted here and logged within the bounds of
 * {@link WampServerMetrics}'s refusal log; WAMP v1 has no reply for a refused SUBSCRIBE
 * or PUBLISH, so the client is not told.
 *
 * @author PubSubClub
 */
final class WampAccessRules {

	private static final Log logger = LogFactory.getLog(WampAccessRules.class);

	private final WampServerMetrics metrics;

	private volatile TopicPatterns subscribeTopics = TopicPatterns.ANY;

	private volatile TopicPatterns publishTopics = TopicPatterns.ANY;

	// when set, decides instead of the topic patterns (the default one holds them)
	private volatile @Nullable WampAuthorizer authorizer;

	private volatile boolean authRequired;

	private volatile WampAuthMetrics authMetrics = new WampAuthMetrics();

	WampAccessRules(WampServerMetrics metrics) {
		this.metrics = metrics;
	}

	void setSubscribeTopics(Collection<String> patterns) {
		this.subscribeTopics = new TopicPatterns(patterns);
	}

	void setPublishTopics(Collection<String> patterns) {
		this.publishTopics = new TopicPatterns(patterns);
	}

	void setAuthorizer(@Nullable WampAuthorizer authorizer) {
		this.authorizer = authorizer;
	}

	void setAuthRequired(boolean authRequired) {
		this.authRequired = authRequired;
	}

	boolean isAuthRequired() {
		return this.authRequired;
	}

	void setAuthMetrics(WampAuthMetrics authMetrics) {
		this.authMetrics = authMetrics;
	}

	WampAuthMetrics authMetrics() {
		return this.authMetrics;
	}

	boolean maySubscribe(WampServerSession session, String topic) {
		String refusal = notAuthenticated(session);
		if (refusal == null) {
			WampAuthorizer authorizer = this.authorizer;
			if ((authorizer != null) ? authorizer.maySubscribe(session, topic) : this.subscribeTopics.allows(topic)) {
				return true;
			}
			refusal = (authorizer != null) ? "the authorizer" : "topic access rules";
		}
		this.metrics.refusedSubscribe();
		String by = refusal;
		log(session, () -> "SUBSCRIBE to " + SessionLimits.shortened(topic) + " refused by " + by);
		return false;
	}

	boolean mayPublish(WampServerSession session, String topic) {
		String refusal = notAuthenticated(session);
		if (refusal == null) {
			WampAuthorizer authorizer = this.authorizer;
			if ((authorizer != null) ? authorizer.mayPublish(session, topic) : this.publishTopics.allows(topic)) {
				return true;
			}
			refusal = (authorizer != null) ? "the authorizer" : "topic access rules";
		}
		this.metrics.refusedPublish();
		String by = refusal;
		log(session, () -> "PUBLISH on " + SessionLimits.shortened(topic) + " refused by " + by);
		return false;
	}

	private @Nullable String notAuthenticated(WampServerSession session) {
		if (this.authRequired && !session.isAuthenticated()) {
			this.authMetrics.count(WampAuthMetrics.Outcome.NOT_AUTHENTICATED);
			return "pubsubclub.wamp.auth.required (not authenticated)";
		}
		return null;
	}

	/**
	 * Whether the session may call the procedure; a refusal is logged and counted here,
	 * the caller answers it.
	 */
	boolean mayCall(WampServerSession session, String procedureUri) {
		String refusal = notAuthenticated(session);
		if (refusal == null) {
			WampAuthorizer authorizer = this.authorizer;
			if (authorizer == null || authorizer.mayCall(session, procedureUri)) {
				return true;
			}
			refusal = "the authorizer";
			this.authMetrics.count(WampAuthMetrics.Outcome.CALL_REFUSED);
		}
		String by = refusal;
		log(session, () -> "CALL " + SessionLimits.shortened(procedureUri) + " refused by " + by);
		return false;
	}

	private void log(WampServerSession session, Supplier<String> what) {
		this.metrics.refusalLog()
			.log(logger, session.refusalLines(), () -> "WAMP session " + session.getId() + ": " + what.get());
	}

}
