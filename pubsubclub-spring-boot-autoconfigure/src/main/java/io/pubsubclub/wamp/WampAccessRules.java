package io.pubsubclub.wamp;

import java.util.Collection;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one place where a session's SUBSCRIBE, PUBLISH and CALL are authorised, whether
 * the client sent the message or a procedure publishes on the session's behalf. Today
 * the topic access rules ({@code pubsubclub.wamp.topics.*}); a per-session authoriser
 * (WAMP-CRA permissions, a Spring Security principal) belongs here too, reading what it
 * needs from {@link WampSession#getAttributes()}.
 * <p>
 * A refusal is logged and counted here; WAMP v1 has no reply for a refused SUBSCRIBE or
 * PUBLISH, so the client is not told.
 *
 * @author PubSubClub
 */
final class WampAccessRules {

	private static final Log logger = LogFactory.getLog(WampAccessRules.class);

	private final WampServerMetrics metrics;

	private volatile TopicPatterns subscribeTopics = TopicPatterns.ANY;

	private volatile TopicPatterns publishTopics = TopicPatterns.ANY;

	WampAccessRules(WampServerMetrics metrics) {
		this.metrics = metrics;
	}

	void setSubscribeTopics(Collection<String> patterns) {
		this.subscribeTopics = new TopicPatterns(patterns);
	}

	void setPublishTopics(Collection<String> patterns) {
		this.publishTopics = new TopicPatterns(patterns);
	}

	boolean maySubscribe(WampServerSession session, String topic) {
		if (this.subscribeTopics.allows(topic)) {
			return true;
		}
		this.metrics.refusedSubscribe();
		logger.info("WAMP session " + session.getId() + ": SUBSCRIBE to " + topic + " refused by topic access rules");
		return false;
	}

	boolean mayPublish(WampServerSession session, String topic) {
		if (this.publishTopics.allows(topic)) {
			return true;
		}
		this.metrics.refusedPublish();
		logger.info("WAMP session " + session.getId() + ": PUBLISH on " + topic + " refused by topic access rules");
		return false;
	}

	/**
	 * Whether the session may call the procedure; every procedure today.
	 */
	boolean mayCall(WampServerSession session, String procedureUri) {
		return true;
	}

}
