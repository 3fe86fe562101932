package io.pubsubclub.redis;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a {@link RedisBackplane}, for the actuator.
 *
 * @param nodeId this node's id, sent with its publishes
 * @param mode how events travel through Redis
 * @param endpoint where Redis is, without credentials
 * @param connected whether both connections to Redis are up
 * @param history whether topics keep a history stream
 * @param channels how many channels this node is subscribed to
 * @param someChannels up to {@link RedisBackplane#MAX_LISTED_CHANNELS} of them
 * @param recovering topics reading their history after a (re)subscription
 * @param pending publishes waiting for Redis
 * @param published publishes Redis took
 * @param publishFailures publishes Redis refused or that failed
 * @param dropped publishes dropped: too many pending, or never connected
 * @param received events delivered to local subscribers from Redis
 * @param recovered of those, events read from a topic's history
 * @param duplicates messages not delivered again (seen already)
 * @param malformed messages that were not a PubSubClub publish
 * @param gaps gaps reported
 * @param missed events the gaps of known size missed
 * @param resent publishes sent again after a connection drop failed their reply
 * @param reconnects times a connection to Redis came back
 * @param lastError the last error, if any
 * @author PubSubClub
 */
public record RedisBackplaneState(long nodeId, RedisMode mode, String endpoint, boolean connected, boolean history,
		int channels, List<String> someChannels, int recovering, int pending, long published, long publishFailures,
		long dropped, long received, long recovered, long duplicates, long malformed, long gaps, long missed, long resent, long reconnects,
		@Nullable String lastError) {

}
