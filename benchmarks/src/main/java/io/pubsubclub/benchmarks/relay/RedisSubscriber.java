package io.pubsubclub.benchmarks.relay;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * Relay B of the Redis relay: one SUBSCRIBE, each message written to every local session.
 */
final class RedisSubscriber implements Relay {

	private final RedisClient client;

	private final StatefulRedisPubSubConnection<String, String> connection;

	RedisSubscriber(int port, Fanout fanout) {
		this.client = RedisClient.create(RedisURI.create("127.0.0.1", port));
		this.connection = this.client.connectPubSub();
		this.connection.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, String message) {
				fanout.deliver(message);
			}

		});
		this.connection.sync().subscribe(RedisPublisher.CHANNEL);
	}

	@Override
	public void forward(String frame) {
	}

	@Override
	public void close() {
		this.connection.close();
		this.client.shutdown();
	}

}
