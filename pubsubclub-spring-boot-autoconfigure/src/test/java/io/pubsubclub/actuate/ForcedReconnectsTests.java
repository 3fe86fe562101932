package io.pubsubclub.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ForcedReconnects}, on a clock the test moves.
 */
class ForcedReconnectsTests {

	private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));

	private final ForcedReconnects limit = new ForcedReconnects(Duration.ofSeconds(10), this.now::get);

	@Test
	void oneRedialPerIntervalForEachServer() {
		assertThat(this.limit.acquire("a:1")).isNull();
		assertThat(this.limit.acquire("a:1")).isEqualTo(Instant.parse("2026-12-01T00:00:10Z"));
		assertThat(this.limit.acquire("b:1")).isNull();
		this.now.set(Instant.parse("2026-12-01T00:00:10Z"));
		assertThat(this.limit.acquire("a:1")).isNull();
	}

	@Test
	void aRedialOfAllCountsForEachServerAndAnyServerForAll() {
		assertThat(this.limit.acquire("a:1")).isNull();
		this.now.set(Instant.parse("2026-12-01T00:00:05Z"));
		assertThat(this.limit.acquire(ForcedReconnects.ALL)).isEqualTo(Instant.parse("2026-12-01T00:00:10Z"));
		this.now.set(Instant.parse("2026-12-01T00:00:10Z"));
		assertThat(this.limit.acquire(ForcedReconnects.ALL)).isNull();
		assertThat(this.limit.acquire("b:1")).isEqualTo(Instant.parse("2026-12-01T00:00:20Z"));
	}

	@Test
	void zeroIntervalMeansNoLimit() {
		ForcedReconnects none = new ForcedReconnects(Duration.ZERO, this.now::get);
		for (int i = 0; i < 3; i++) {
			assertThat(none.acquire(ForcedReconnects.ALL)).isNull();
			assertThat(none.acquire("a:1")).isNull();
		}
	}

}
