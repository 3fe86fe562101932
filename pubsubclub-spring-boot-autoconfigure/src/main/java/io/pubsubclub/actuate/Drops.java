package io.pubsubclub.actuate;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code pubsubclub.drops} counter, shared by the WAMP and cluster binders so that
 * every series carries the same tag keys.
 *
 * @author PubSubClub
 */
final class Drops {

	static final String NAME = "pubsubclub.drops";

	private Drops() {
	}

	static <T> void register(MeterRegistry registry, String reason, String type, T source,
			ToDoubleFunction<T> count) {
		FunctionCounter.builder(NAME, source, count)
			.description("Sessions, links, messages or frames given up on, by reason and by what was dropped")
			.tag("reason", reason)
			.tag("type", type)
			.register(registry);
	}

}
