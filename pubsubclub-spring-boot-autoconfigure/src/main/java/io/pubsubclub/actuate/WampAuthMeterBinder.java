package io.pubsubclub.actuate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.wamp.auth.WampAuthMetrics;

/**
 * {@link MeterBinder} for WAMP authentication and authorization:
 * {@code pubsubclub.wamp.auth} counts WAMP-CRA steps and refusals, tagged by outcome.
 *
 * @author PubSubClub
 */
public class WampAuthMeterBinder implements MeterBinder {

	private final WampAuthMetrics metrics;

	/**
	 * Create the binder.
	 * @param metrics the counters
	 */
	public WampAuthMeterBinder(WampAuthMetrics metrics) {
		this.metrics = metrics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (WampAuthMetrics.Outcome outcome : WampAuthMetrics.Outcome.values()) {
			FunctionCounter.builder("pubsubclub.wamp.auth", this.metrics, (m) -> m.get(outcome))
				.description("WAMP-CRA steps and authorization refusals, by outcome")
				.tag("outcome", WampServerMeterBinder.tag(outcome))
				.register(registry);
		}
	}

}
