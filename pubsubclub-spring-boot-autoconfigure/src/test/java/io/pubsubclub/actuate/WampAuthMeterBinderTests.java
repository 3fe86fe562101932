package io.pubsubclub.actuate;

import java.net.InetAddress;
import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.auth.WampAuthMetrics;
import io.pubsubclub.wamp.auth.WampAuthMetrics.Outcome;
import io.pubsubclub.wamp.auth.WampCraThrottle;

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

	@Test
	void theThrottleSetAfterBindingIsShownByItsMeters() throws Exception {
		WampAuthMetrics metrics = new WampAuthMetrics();
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new WampAuthMeterBinder(metrics).bindTo(registry);
		assertThat(registry.get("pubsubclub.wamp.auth.throttle.tracked").tag("kind", "auth-key").gauge().value())
			.isZero();
		WampCraThrottle throttle = new WampCraThrottle(5, Duration.ofMinutes(1), Duration.ofSeconds(1),
				Duration.ofSeconds(1), 1, metrics);
		throttle.failed("joe", InetAddress.getByName("127.0.0.2"));
		throttle.failed("ann", InetAddress.getByName("127.0.0.3"));
		assertThat(registry.get("pubsubclub.wamp.auth.throttle.tracked").tag("kind", "auth-key").gauge().value())
			.isEqualTo(1);
		assertThat(registry.get("pubsubclub.wamp.auth.throttle.tracked").tag("kind", "address").gauge().value())
			.isEqualTo(1);
		assertThat(registry.get("pubsubclub.wamp.auth.throttle.forgotten").functionCounter().count()).isEqualTo(2);
		assertThat(registry.get("pubsubclub.wamp.auth.unlogged").functionCounter().count()).isZero();
	}

}
