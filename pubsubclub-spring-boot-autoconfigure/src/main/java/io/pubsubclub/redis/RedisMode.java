package io.pubsubclub.redis;

/**
 * How events travel through Redis.
 *
 * @author PubSubClub
 */
public enum RedisMode {

	/**
	 * SUBSCRIBE and PUBLISH: works with a standalone Redis, Sentinel or a Redis Cluster
	 * (where every publish reaches every node of the Redis Cluster).
	 */
	PUBSUB,

	/**
	 * SSUBSCRIBE and SPUBLISH (Redis Cluster 7+): a topic's events stay on the shard that
	 * owns its channel's slot, so that the Redis Cluster scales with its shards.
	 */
	SHARDED

}
