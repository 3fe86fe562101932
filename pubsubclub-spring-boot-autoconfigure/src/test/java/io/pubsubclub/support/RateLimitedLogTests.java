package io.pubsubclub.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The two budgets of the rate-limited log: lines per key, lines in total per window;
 * what is left out is counted, written at DEBUG, and summed up in the next line.
 */
class RateLimitedLogTests {

	private final List<String> info = new ArrayList<>();

	private final List<String> warn = new ArrayList<>();

	private final List<String> debug = new ArrayList<>();

	private final Log log = mock(Log.class);

	private final AtomicLong nanos = new AtomicLong(12345);

	RateLimitedLogTests() {
		willAnswer((invocation) -> this.info.add(invocation.getArgument(0))).given(this.log).info(any());
		willAnswer((invocation) -> this.warn.add(invocation.getArgument(0))).given(this.log).warn(any());
		willAnswer((invocation) -> this.debug.add(invocation.getArgument(0))).given(this.log).debug(any());
		given(this.log.isDebugEnabled()).willReturn(false);
	}

	@Test
	void oneSessionGetsAFewLinesThenIsCountedOnly() {
		RateLimitedLog refusals = RateLimitedLog.sessionRefusals(3, 100);
		AtomicInteger session = new AtomicInteger();
		for (int i = 0; i < 1000; i++) {
			int n = i;
			refusals.log(this.log, session, () -> "refusal " + n);
		}
		assertThat(this.info).containsExactly("refusal 0", "refusal 1",
				"refusal 2; further refusals of this session are counted, not logged");
		assertThat(refusals.unlogged()).isEqualTo(997);
		assertThat(refusals.total()).isEqualTo(1000);
	}

	@Test
	void manySessionsTogetherGetAtMostTheWindowsLinesAndTheNextLineTellsWhatWasLeftOut() {
		RateLimitedLog refusals = RateLimitedLog.sessionRefusals(5, 20);
		for (int s = 0; s < 100; s++) {
			AtomicInteger session = new AtomicInteger();
			for (int i = 0; i < 100; i++) {
				refusals.log(this.log, session, () -> "refusal");
			}
		}
		assertThat(this.info).hasSize(20);
		assertThat(refusals.unlogged()).isEqualTo(100 * 100 - 20);
	}

	@Test
	void aLineLeftOutForItsKeyIsToldInTheNextLineWritten() {
		RateLimitedLog refusals = RateLimitedLog.info(1, Duration.ZERO)
			.perKey(5, "; last")
			.summary((unlogged, total) -> " (" + unlogged + " left out, " + total + " in all)")
			.build();
		refusals.log(this.log, new AtomicInteger(5), () -> "left out");
		refusals.log(this.log, new AtomicInteger(), () -> "logged");
		assertThat(this.info).containsExactly("logged (1 left out, 2 in all)");
	}

	@Test
	void theWindowBudgetComesBackWhenTheWindowEndsAndTheFirstLineSumsUpTheGap() {
		RateLimitedLog warnings = RateLimitedLog.warn(2, Duration.ofSeconds(60)).clock(this.nanos::get).build();
		for (int i = 0; i < 5; i++) {
			int n = i;
			warnings.log(this.log, () -> "line " + n);
		}
		assertThat(this.warn).containsExactly("line 0", "line 1");
		advance(59_999);
		warnings.log(this.log, () -> "still the same window");
		advance(1);
		warnings.log(this.log, () -> "line 6");
		warnings.log(this.log, () -> "line 7");
		warnings.log(this.log, () -> "over again");
		assertThat(this.warn).containsExactly("line 0", "line 1",
				"line 6 (4 lines before this one were not logged)", "line 7");
		assertThat(warnings.unlogged()).isEqualTo(5);
		assertThat(warnings.total()).isEqualTo(9);
		assertThat(this.info).isEmpty();
	}

	@Test
	void oneLinePerIntervalCanCountEveryLineAskedFor() {
		RateLimitedLog failures = RateLimitedLog.info(1, Duration.ofSeconds(10))
			.clock(this.nanos::get)
			.summary((unlogged, total) -> " (" + total + " so far)")
			.build();
		assertThat(failures.log(this.log, () -> "first")).isTrue();
		assertThat(failures.log(this.log, () -> "second")).isFalse();
		advance(10_000);
		assertThat(failures.log(this.log, () -> "third")).isTrue();
		assertThat(this.info).containsExactly("first (1 so far)", "third (3 so far)");
	}

	@Test
	void aLineLeftOutIsWrittenAtDebugWhenDebugIsOnAndBuiltOnlyThen() {
		RateLimitedLog warnings = RateLimitedLog.warn(1, Duration.ofHours(1)).build();
		warnings.log(this.log, () -> "written");
		warnings.log(this.log, () -> {
			throw new AssertionError("built although nothing writes it");
		});
		given(this.log.isDebugEnabled()).willReturn(true);
		warnings.log(this.log, () -> "at debug");
		assertThat(this.warn).containsExactly("written");
		assertThat(this.debug).containsExactly("at debug");
	}

	@Test
	void budgetsMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> RateLimitedLog.info(0, Duration.ofSeconds(1)));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RateLimitedLog.info(1, Duration.ofSeconds(1)).perKey(0, ""));
	}

	private void advance(long millis) {
		this.nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
	}

}
