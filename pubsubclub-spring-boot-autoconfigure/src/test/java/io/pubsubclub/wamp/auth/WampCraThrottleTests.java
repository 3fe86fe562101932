package io.pubsubclub.wamp.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throttle of WAMP-CRA failures across sessions, with a clock the test moves: free
 * failures, doubling holds up to the maximum, the window, per key and per address
 * independently, the bound on what is tracked.
 */
class WampCraThrottleTests {

	private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

	private final WampAuthMetrics metrics = new WampAuthMetrics();

	private WampCraThrottle throttle(int maxTracked) {
		return new WampCraThrottle(3, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(10),
				maxTracked, this.metrics, this.nanos::get);
	}

	private static InetAddress address(String text) throws Exception {
		return InetAddress.getByName(text);
	}

	private void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	@Test
	void afterTheFreeFailuresEachFailureHoldsTheKeyAndAddressBackForTwiceAsLongUpToTheMaximum() throws Exception {
		WampCraThrottle throttle = throttle(100);
		InetAddress attacker = address("10.0.0.1");
		throttle.failed("joe", attacker);
		throttle.failed("joe", attacker);
		assertThat(throttle.heldBack("joe", attacker)).isZero();
		throttle.failed("joe", attacker);
		assertThat(throttle.heldBack("joe", attacker)).isEqualTo(Duration.ofSeconds(1));
		assertThat(throttle.heldBack("joe", null)).isEqualTo(Duration.ofSeconds(1));
		assertThat(throttle.heldBack("ann", attacker)).isEqualTo(Duration.ofSeconds(1));
		advance(Duration.ofSeconds(1));
		assertThat(throttle.heldBack("joe", attacker)).isZero();
		long[] expected = { 2, 4, 8, 10, 10 };
		for (long seconds : expected) {
			throttle.failed("joe", attacker);
			assertThat(throttle.heldBack("joe", attacker)).isEqualTo(Duration.ofSeconds(seconds));
			advance(Duration.ofSeconds(seconds));
		}
	}

	@Test
	void anotherKeyFromAnotherAddressIsNeverHeldBack() throws Exception {
		WampCraThrottle throttle = throttle(100);
		InetAddress attacker = address("10.0.0.1");
		for (int i = 0; i < 50; i++) {
			throttle.failed("joe", attacker);
			throttle.failed(null, attacker);
		}
		assertThat(throttle.heldBack("joe", attacker)).isPositive();
		assertThat(throttle.heldBack("ann", address("10.0.0.2"))).isZero();
		assertThat(throttle.heldBack("joe", address("10.0.0.2"))).isPositive();
		assertThat(throttle.heldBack("ann", attacker)).isPositive();
		// unknown keys are tracked by address only
		assertThat(throttle.trackedKeys()).isOne();
	}

	@Test
	void aCountStartsAgainAfterAWindowWithoutFailures() throws Exception {
		WampCraThrottle throttle = throttle(100);
		InetAddress address = address("10.0.0.1");
		throttle.failed("joe", address);
		throttle.failed("joe", address);
		advance(Duration.ofMinutes(9));
		throttle.failed("joe", address);
		assertThat(throttle.heldBack("joe", address)).isEqualTo(Duration.ofSeconds(1));
		advance(Duration.ofMinutes(10));
		throttle.failed("joe", address);
		throttle.failed("joe", address);
		assertThat(throttle.heldBack("joe", address)).isZero();
	}

	@Test
	void anIpv6HostIsTrackedByItsSlash64() throws Exception {
		WampCraThrottle throttle = throttle(100);
		for (int i = 1; i <= 3; i++) {
			throttle.failed(null, address("2001:db8:1:2::" + i));
		}
		assertThat(throttle.heldBack("ann", address("2001:db8:1:2::ffff"))).isPositive();
		assertThat(throttle.heldBack("ann", address("2001:db8:1:3::1"))).isZero();
		assertThat(throttle.trackedAddresses()).isOne();
	}

	@Test
	void atMostMaxTrackedKeysAndAddressesAreKeptTheLeastRecentlyFailedForgottenFirst() throws Exception {
		WampCraThrottle throttle = throttle(10);
		InetAddress held = address("10.0.0.1");
		for (int i = 0; i < 3; i++) {
			throttle.failed("joe", held);
		}
		for (int i = 0; i < 1000; i++) {
			throttle.failed("user" + i, address("10.1." + (i / 250) + "." + (i % 250)));
			if (i % 5 == 0) {
				// what keeps failing stays tracked
				throttle.failed("joe", held);
			}
		}
		assertThat(throttle.trackedKeys()).isEqualTo(10);
		assertThat(throttle.trackedAddresses()).isEqualTo(10);
		assertThat(throttle.forgotten()).isEqualTo(2 * (1001 - 10));
		assertThat(throttle.heldBack("joe", null)).isPositive();
		assertThat(throttle.heldBack("ann", held)).isPositive();
		assertThat(this.metrics.getThrottle()).isSameAs(throttle);
	}

}
