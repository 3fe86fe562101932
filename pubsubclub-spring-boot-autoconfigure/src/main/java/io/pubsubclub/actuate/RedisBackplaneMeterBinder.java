package io.pubsubclub.actuate;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.redis.RedisBackplane;
import io.pubsubclub.redis.RedisBackplaneState;

/**
 * Micrometer meters of the Redis backplane ({@code pubsubclub.redis.*}); its gaps count
 * on the mesh's own {@code pubsubclub.cluster.gaps} and
 * {@code pubsubclub.cluster.gap.missed}, so that an alert on gaps holds either way.
 * Lettuce's own command metrics stay as Boot configures them.
 *
 * @author PubSubClub
 */
public class RedisBackplaneMeterBinder implements MeterBinder {

	private final RedisBackplane backplane;

	public RedisBackplaneMeterBinder(RedisBackplane backplane) {
		this.backplane = backplane;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "pubsubclub.redis.published", "Publishes of this node that Redis took",
				RedisBackplaneState::published);
		counter(registry, "pubsubclub.redis.publish.failures", "Publishes of this node that failed at Redis",
				RedisBackplaneState::publishFailures);
		counter(registry, "pubsubclub.redis.dropped",
				"Publishes of this node not sent to Redis (pubsubclub.redis.max-pending, or never connected)",
				RedisBackplaneState::dropped);
		counter(registry, "pubsubclub.redis.resent",
				"Publishes sent again after a connection drop failed their reply", RedisBackplaneState::resent);
		counter(registry, "pubsubclub.redis.received", "Events from Redis handed to local subscribers",
				RedisBackplaneState::received);
		counter(registry, "pubsubclub.redis.recovered", "Of those, events read from a topic's history",
				RedisBackplaneState::recovered);
		counter(registry, "pubsubclub.redis.duplicates", "Messages from Redis not delivered again",
				RedisBackplaneState::duplicates);
		counter(registry, "pubsubclub.redis.malformed", "Messages on PubSubClub channels that were not a publish",
				RedisBackplaneState::malformed);
		counter(registry, "pubsubclub.redis.reconnects", "Times the connection to Redis came back",
				RedisBackplaneState::reconnects);
		counter(registry, "pubsubclub.cluster.gaps",
				"Gaps found: events a drop or a trimmed history may have lost", RedisBackplaneState::gaps);
		counter(registry, "pubsubclub.cluster.gap.missed", "Events reported missed by gaps of known size",
				RedisBackplaneState::missed);
		gauge(registry, "pubsubclub.redis.connected", "1 while both connections to Redis are up",
				(state) -> state.connected() ? 1 : 0);
		gauge(registry, "pubsubclub.redis.channels", "Channels this node is subscribed to",
				RedisBackplaneState::channels);
		gauge(registry, "pubsubclub.redis.pending", "Publishes waiting for Redis", RedisBackplaneState::pending);
		gauge(registry, "pubsubclub.redis.recovering", "Topics reading their history after a (re)subscription",
				RedisBackplaneState::recovering);
	}

	private void counter(MeterRegistry registry, String name, String description,
			ToDoubleFunction<RedisBackplaneState> value) {
		FunctionCounter.builder(name, this.backplane, (backplane) -> value.applyAsDouble(backplane.state()))
			.description(description)
			.register(registry);
	}

	private void gauge(MeterRegistry registry, String name, String description,
			ToDoubleFunction<RedisBackplaneState> value) {
		Gauge.builder(name, this.backplane, (backplane) -> value.applyAsDouble(backplane.state()))
			.description(description)
			.register(registry);
	}

}
