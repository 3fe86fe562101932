package io.pubsubclub.wamp.auth;

import java.util.Collection;
import java.util.List;

import io.pubsubclub.wamp.TopicPatterns;
import io.pubsubclub.wamp.WampSession;

/**
 * The default {@link WampAuthorizer}. A session authenticated with WAMP-CRA may do what
 * its permissions grant, and nothing else (as in Autobahn, where topics were granted only
 * through the permissions). Any other session, anonymous or authenticated on the
 * handshake, may subscribe and publish on the topics of the global rules
 * ({@code pubsubclub.wamp.topics.subscribe} and {@code .publish}: exact URIs or prefixes
 * ending in {@code *}, any topic when empty) and call every procedure.
 *
 * @author PubSubClub
 */
public class DefaultWampAuthorizer implements WampAuthorizer {

	private final TopicPatterns subscribeTopics;

	private final TopicPatterns publishTopics;

	/**
	 * Create an authorizer with no global rules: every topic.
	 */
	public DefaultWampAuthorizer() {
		this(List.of(), List.of());
	}

	/**
	 * Create an authorizer with global rules.
	 * @param subscribeTopics the topics sessions without WAMP-CRA permissions may
	 * subscribe to; any when empty
	 * @param publishTopics the topics they may publish on; any when empty
	 */
	public DefaultWampAuthorizer(Collection<String> subscribeTopics, Collection<String> publishTopics) {
		this.subscribeTopics = new TopicPatterns(subscribeTopics);
		this.publishTopics = new TopicPatterns(publishTopics);
	}

	@Override
	public boolean maySubscribe(WampSession session, String topic) {
		WampCraAuthentication cra = session.getCraAuthentication();
		return (cra != null) ? cra.permissions().maySubscribe(topic) : this.subscribeTopics.allows(topic);
	}

	@Override
	public boolean mayPublish(WampSession session, String topic) {
		WampCraAuthentication cra = session.getCraAuthentication();
		return (cra != null) ? cra.permissions().mayPublish(topic) : this.publishTopics.allows(topic);
	}

	@Override
	public boolean mayCall(WampSession session, String procedure) {
		WampCraAuthentication cra = session.getCraAuthentication();
		return (cra == null) || cra.permissions().mayCall(procedure);
	}

}
