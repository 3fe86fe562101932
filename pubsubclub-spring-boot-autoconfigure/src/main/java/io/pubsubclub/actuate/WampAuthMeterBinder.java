package io.pubsubclub.actuate;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampCraThrottle;

/**
 * {@link MeterBinder} for WAMP authentication and authorization:
 * {@code pubsubclub.wamp.auth} counts WAMP-CRA steps and refusals, tagged by outcome;
 * {@code pubsubclub.wamp.auth.unlogged} the refusals left out of the log;
 * {@code pubsubclub.wamp.auth.throttle.*} the auth keys and addresses whose failures are
 * tracked across sessions.
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
		FunctionCounter.builder("pubsubclub.wamp.auth.unlogged", this.metrics, WampAuthMetrics::getUnlogged)
			.description("WAMP-CRA refusals counted but not logged, over the log's per-session or per-minute bound")
			.register(registry);
		// read through the metrics: the authenticator may set its throttle after binding
		Gauge
			.builder("pubsubclub.wamp.auth.throttle.tracked", this.metrics,
					(m) -> throttled(m, WampCraThrottle::trackedKeys))
			.description("Auth keys and remote addresses whose WAMP-CRA failures are tracked across sessions")
			.tag("kind", "auth-key")
			.register(registry);
		Gauge.builder("pubsubclub.wamp.auth.throttle.tracked", this.metrics,
				(m) -> throttled(m, WampCraThrottle::trackedAddresses))
			.description("Auth keys and remote addresses whose WAMP-CRA failures are tracked across sessions")
			.tag("kind", "address")
			.register(registry);
		FunctionCounter
			.builder("pubsubclub.wamp.auth.throttle.forgotten", this.metrics,
					(m) -> throttled(m, WampCraThrottle::forgotten))
			.description("Tracked auth keys and addresses forgotten to keep within max-tracked")
			.register(registry);
	}

	private static double throttled(WampAuthMetrics metrics, ToDoubleFunction<WampCraThrottle> value) {
		WampCraThrottle throttle = metrics.getThrottle();
		return (throttle != null) ? value.applyAsDouble(throttle) : 0;
	}

}
