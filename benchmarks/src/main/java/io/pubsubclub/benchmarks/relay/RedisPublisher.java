package io.pubsubclub.benchmarks.relay;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;

/**
 * Relay A of the Redis relay: PUBLISH each frame, without waiting for the reply (what a
 * careful Spring user would write; {@code RedisTemplate.convertAndSend} would wait).
 */
final class RedisPublisher implements Relay {

	static final String CHANNEL = "bench";

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> connection;

	private final RedisAsyncCommands<String, String> commands;

	RedisPublisher(int port) {
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		this.connection = this.client.connect();
		this.commands = this.connection.async();
	}

	@Override
	public void forward(String frame) {
		this.commands.publish(CHANNEL, frame);
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
