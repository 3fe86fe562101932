package io.pubsubclub.actuate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;

import static org.assertj.core.api.Assertions.assertThat;

class WampAuthMeterBinderTests {

	@Test
	void countsEveryOutcomeUnderOneMeterTaggedByOutcome() {
		WampAuthMetrics metrics = new WampAuthMetrics();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new WampAuthMeterBinder(metrics).bindTo(registry);
		metrics.count(Outcome.INVALID_SIGNATURE);
		metrics.count(Outcome.INVALID_SIGNATURE);
		metrics.count(Outcome.TOO_MANY_FAILURES);
		assertThat(registry.get("pubsubclub.wamp.auth").tag("outcome", "invalid-signature").functionCounter().count())
			.isEqualTo(2);
		assertThat(registry.get("pubsubclub.wamp.auth").tag("outcome", "too-many-failures").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("pubsubclub.wamp.auth").functionCounters()).hasSize(Outcome.values().length);
	}

}
