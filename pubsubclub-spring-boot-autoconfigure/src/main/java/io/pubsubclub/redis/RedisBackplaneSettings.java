package io.pubsubclub.redis;

import java.time.Duration;

/**
 * The settings of a {@link RedisBackplane}.
 *
 * @param mode how events travel through Redis
 * @param channelPrefix prefix of each topic's channel and stream key
 * @param maxPending most publishes of this node waiting for Redis; more are dropped
 * @param history whether each topic keeps a history stream to recover from
 * @param maxLen events kept per topic's stream (about: MAXLEN ~)
 * @param maxAge how long events are kept in a topic's stream
 * @author PubSubClub
 */
public record RedisBackplaneSettings(RedisMode mode, String channelPrefix, int maxPending, boolean history,
		int maxLen, Duration maxAge) {

	/** Entries read from a stream in one XRANGE during a recovery. */
	public static final int RECOVERY_BATCH = 1000;

	/**
	 * Return the channel of a topic: the prefix, then the topic in braces (a Redis
	 * Cluster hash tag, so that the channel and the stream share a slot).
	 * @param topic the topic URI
	 * @return the channel
	 */
	public String channel(String topic) {
		return this.channelPrefix + "{" + topic + "}";
	}

	/**
	 * Return the key of a topic's history stream.
	 * @param topic the topic URI
	 * @return the stream key
	 */
	public String streamKey(String topic) {
		return channel(topic) + ":history";
	}

	/**
	 * Return the key of a topic's history counter, the number of its last publish.
	 * @param topic the topic URI
	 * @return the counter key
	 */
	public String counterKey(String topic) {
		return channel(topic) + ":n";
	}

	/**
	 * Return the topic of a channel, {@code null} when it is not one of ours.
	 */
	@org.jspecify.annotations.Nullable String topicOf(String channel) {
		int start = this.channelPrefix.length() + 1;
		if (channel.length() <= start || !channel.startsWith(this.channelPrefix)
				|| channel.charAt(start - 1) != '{' || channel.charAt(channel.length() - 1) != '}') {
			return null;
		}
		return channel.substring(start, channel.length() - 1);
	}

}
