package io.pubsubclub.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubListener;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.jspecify.annotations.Nullable;

/**
 * The two Lettuce connections of the backplane, opened through the application's own
 * Lettuce client (so with its endpoint, credentials, TLS and client resources): one for
 * pub/sub, one for publishes and history reads. Lettuce reconnects both on its own and
 * subscribes the pub/sub connection to its channels again; commands given while a
 * connection is down wait in Lettuce's queue (the backplane bounds how many of its
 * publishes may). Every call here returns at once; nothing blocks but {@link #open}.
 *
 * @author PubSubClub
 */
final class RedisConnections {

	/**
	 * Numbers a publish in its topic's history (KEYS[2], a counter), appends it to the
	 * topic's stream (KEYS[1], trimmed to about ARGV[1] entries and, when ARGV[2] is
	 * positive, to that many milliseconds, after which an idle topic's keys expire) and
	 * publishes the stream id, the number and the text on the topic's channel, in one
	 * atomic step, so that the channel carries the publishes in history order and every
	 * number once.
	 */
	static final String PUBLISH_WITH_HISTORY = """
			local n = redis.call('INCR', KEYS[2])
			local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[4], 'n', n)
			local age = tonumber(ARGV[2])
			if age > 0 then
			  local now = redis.call('TIME')
			  local oldest = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) - age
			  if oldest > 0 then
			    redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d', oldest))
			  end
			  redis.call('PEXPIRE', KEYS[1], age)
			  redis.call('PEXPIRE', KEYS[2], age)
			end
			redis.call(ARGV[5], ARGV[3], id .. ' ' .. n .. '\\n' .. ARGV[4])
			return id
			""";

	/**
	 * Where a topic's history stands, read in one atomic step: the id of the stream's
	 * last entry ("0-0" when it has none) and the counter's value (0 when it has none).
	 */
	static final String HISTORY_END = """
			local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
			local n = redis.call('GET', KEYS[2])
			local id = '0-0'
			if last[1] then id = last[1][1] end
			return { id, n or '0' }
			""";

	/**
	 * SPUBLISH with the channel as the key, which a Redis Cluster client routes by slot.
	 */
	static final String SHARD_PUBLISH = "return redis.call('SPUBLISH', KEYS[1], ARGV[1])";

	private final AbstractRedisClient client;

	private final RedisMode mode;

	private final StatefulRedisPubSubConnection<String, String> pubSub;

	private final StatefulConnection<String, String> commandConnection;

	private final RedisClusterAsyncCommands<String, String> commands;

	private final RedisConnectionStateListener stateListener;

	private RedisConnections(AbstractRedisClient client, RedisMode mode,
			StatefulRedisPubSubConnection<String, String> pubSub, StatefulConnection<String, String> commandConnection,
			RedisClusterAsyncCommands<String, String> commands, RedisConnectionStateListener stateListener) {
		this.client = client;
		this.mode = mode;
		this.pubSub = pubSub;
		this.commandConnection = commandConnection;
		this.commands = commands;
		this.stateListener = stateListener;
	}

	/**
	 * Open both connections (blocking, up to the client's connect timeout).
	 * @throws RuntimeException when Redis cannot be reached
	 */
	static RedisConnections open(AbstractRedisClient client, RedisMode mode, RedisPubSubListener<String, String> listener,
			RedisConnectionStateListener stateListener) {
		StatefulRedisPubSubConnection<String, String> pubSub;
		StatefulConnection<String, String> commandConnection;
		RedisClusterAsyncCommands<String, String> commands;
		if (client instanceof RedisClusterClient cluster) {
			StatefulRedisClusterPubSubConnection<String, String> clusterPubSub = cluster.connectPubSub(StringCodec.UTF8);
			clusterPubSub.setNodeMessagePropagation(true);
			pubSub = clusterPubSub;
			try {
				var connection = cluster.connect(StringCodec.UTF8);
				commandConnection = connection;
				commands = connection.async();
			}
			catch (RuntimeException ex) {
				pubSub.closeAsync();
				throw ex;
			}
		}
		else if (client instanceof RedisClient standalone) {
			if (mode == RedisMode.SHARDED) {
				throw new IllegalStateException("pubsubclub.redis.mode=sharded needs a Redis Cluster "
						+ "(spring.data.redis.cluster.nodes); use pubsubclub.redis.mode=pubsub with a single Redis");
			}
			pubSub = standalone.connectPubSub(StringCodec.UTF8);
			try {
				var connection = standalone.connect(StringCodec.UTF8);
				commandConnection = connection;
				commands = connection.async();
			}
			catch (RuntimeException ex) {
				pubSub.closeAsync();
				throw ex;
			}
		}
		else {
			throw new IllegalStateException("Unsupported Lettuce client " + client.getClass().getName());
		}
		pubSub.addListener(listener);
		client.addListener(stateListener);
		return new RedisConnections(client, mode, pubSub, commandConnection, commands, stateListener);
	}

	boolean isPubSub(Object handler) {
		return handler == this.pubSub;
	}

	boolean isConnected() {
		return this.pubSub.isOpen() && this.commandConnection.isOpen();
	}

	void subscribe(String channel) {
		if (this.mode == RedisMode.SHARDED) {
			// on a Redis Cluster, Lettuce sends it to the master that owns the channel's
			// slot, and its messages reach the listener through node message propagation
			this.pubSub.async().ssubscribe(channel);
		}
		else {
			this.pubSub.async().subscribe(channel);
		}
	}

	void unsubscribe(String channel) {
		if (this.mode == RedisMode.SHARDED) {
			this.pubSub.async().sunsubscribe(channel);
		}
		else {
			this.pubSub.async().unsubscribe(channel);
		}
	}

	CompletionStage<?> publish(String channel, String message) {
		// by key, so that a Redis Cluster routes it to the master that owns the slot
		return (this.mode == RedisMode.SHARDED)
				? this.commands.eval(SHARD_PUBLISH, ScriptOutputType.INTEGER, new String[] { channel }, message)
				: this.commands.publish(channel, message);
	}

	CompletionStage<?> publishWithHistory(String streamKey, String counterKey, String channel, String text,
			int maxLen, long maxAgeMillis) {
		return this.commands.eval(PUBLISH_WITH_HISTORY, ScriptOutputType.VALUE,
				new String[] { streamKey, counterKey },
				Integer.toString(maxLen), Long.toString(maxAgeMillis), channel, text,
				(this.mode == RedisMode.SHARDED) ? "SPUBLISH" : "PUBLISH");
	}

	/**
	 * Where a topic's history ends: the last entry's id and number.
	 */
	CompletionStage<HistoryEnd> historyEnd(String streamKey, String counterKey) {
		return this.commands.<List<Object>>eval(HISTORY_END, ScriptOutputType.MULTI, streamKey, counterKey)
			.thenApply((reply) -> new HistoryEnd(StreamId.parse(String.valueOf(reply.get(0))),
					Long.parseLong(String.valueOf(reply.get(1)))));
	}

	/**
	 * The topic's history counter: the number of its last publish, 0 when it has none.
	 */
	CompletionStage<Long> counter(String counterKey) {
		return this.commands.get(counterKey).thenApply((value) -> (value != null) ? Long.parseLong(value) : 0L);
	}

	CompletionStage<List<Entry>> range(String streamKey, StreamId from, int count) {
		return this.commands
			.xrange(streamKey, Range.create(from.toString(), "+"), Limit.from(count))
			.thenApply((messages) -> {
				List<Entry> entries = new ArrayList<>(messages.size());
				for (StreamMessage<String, String> message : messages) {
					entries.add(new Entry(message.getId(), message.getBody().get("m"), message.getBody().get("n")));
				}
				return entries;
			});
	}

	/**
	 * Close both connections, waiting for it (called on the stopping thread, before the
	 * application's connection factory shuts the client down).
	 */
	void close() {
		this.client.removeListener(this.stateListener);
		this.pubSub.close();
		this.commandConnection.close();
	}

	/**
	 * A stream entry: its id, {@code m} and {@code n} fields ({@code null} when it has
	 * none).
	 */
	record Entry(String id, @Nullable String text, @Nullable String number) {

	}

	/**
	 * Where a topic's history ends.
	 * @param last the id of the stream's last entry, {@link StreamId#ZERO} when none
	 * @param number the number of the topic's last publish, 0 when none
	 */
	record HistoryEnd(StreamId last, long number) {

	}

}
