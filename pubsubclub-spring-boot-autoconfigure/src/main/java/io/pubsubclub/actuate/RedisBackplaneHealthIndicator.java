package io.pubsubclub.actuate;

import io.pubsubclub.redis.RedisBackplane;
import io.pubsubclub.redis.RedisBackplaneState;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of this node's Redis backplane, contributed as {@code pubsubclub} in place of
 * the cluster links' health. {@link Status#UP UP} while both connections to Redis are up;
 * {@link PubSubClubHealthIndicator#DEGRADED DEGRADED}, not {@code DOWN}, while Redis is
 * unreachable: the node still serves its own WAMP clients (local publishes reach local
 * subscribers), and a Redis outage would otherwise take every node out of its load
 * balancer at once. With history on, what was published meanwhile is recovered when the
 * connection comes back, within the history's limits. Details: mode, endpoint (never
 * credentials), subscribed channels, topics still recovering, pending publishes,
 * reconnects, last error.
 *
 * @author PubSubClub
 */
public class RedisBackplaneHealthIndicator extends AbstractHealthIndicator {

	private final RedisBackplane backplane;

	/**
	 * Create the indicator.
	 * @param backplane the Redis backplane
	 */
	public RedisBackplaneHealthIndicator(RedisBackplane backplane) {
		super("PubSubClub Redis backplane health check failed");
		this.backplane = backplane;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		RedisBackplaneState state = this.backplane.state();
		builder.status(state.connected() ? Status.UP : PubSubClubHealthIndicator.DEGRADED)
			.withDetail("nodeId", state.nodeId())
			.withDetail("backplane", "redis")
			.withDetail("mode", PubSubClubEndpoint.lower(state.mode()))
			.withDetail("endpoint", state.endpoint())
			.withDetail("connected", state.connected())
			.withDetail("history", state.history())
			.withDetail("channels", state.channels())
			.withDetail("recovering", state.recovering())
			.withDetail("pending", state.pending())
			.withDetail("reconnects", state.reconnects());
		if (state.lastError() != null) {
			builder.withDetail("lastError", state.lastError());
		}
	}

}
