package io.pubsubclub.autoconfigure;

import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.wamp.WampServer;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.ConfigurationCondition;

/**
 * Matches when this node runs a PubSubClub part: the WAMP server, the cluster, or both.
 *
 * @author PubSubClub
 */
final class OnPubSubClubCondition extends AnyNestedCondition {

	OnPubSubClubCondition() {
		super(ConfigurationCondition.ConfigurationPhase.REGISTER_BEAN);
	}

	@ConditionalOnBean(WampServer.class)
	static final class WampServerPresent {

	}

	@ConditionalOnBean(ClusterNode.class)
	static final class ClusterNodePresent {

	}

}
