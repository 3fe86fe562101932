package io.pubsubclub.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;

/**
 * The two bounds of the refusal log: lines per source, lines in total per window; what
 * is left out is counted and told in the next line.
 */
class RefusalLoggerTests {

	private final List<String> lines = new ArrayList<>();

	private final Log log = mock(Log.class);

	RefusalLoggerTests() {
		willAnswer((invocation) -> this.lines.add(invocation.getArgument(0))).given(this.log).info(any());
		given(this.log.isDebugEnabled()).willReturn(false);
	}

	@Test
	void oneSourceGetsAFewLinesThenIsCountedOnly() {
		RefusalLogger refusals = new RefusalLogger(3, 100, Duration.ofHours(1));
		AtomicInteger source = new AtomicInteger();
		for (int i = 0; i < 1000; i++) {
			int n = i;
			refusals.refused(this.log, source, () -> "refusal " + n);
		}
		assertThat(this.lines).containsExactly("refusal 0", "refusal 1",
				"refusal 2; further refusals of this session are counted, not logged");
		assertThat(refusals.unlogged()).isEqualTo(997);
	}

	@Test
	void manySourcesTogetherGetAtMostTheWindowsLinesAndTheNextLineTellsWhatWasLeftOut() {
		RefusalLogger refusals = new RefusalLogger(5, 20, Duration.ofHours(1));
		for (int s = 0; s < 100; s++) {
			AtomicInteger source = new AtomicInteger();
			for (int i = 0; i < 100; i++) {
				refusals.refused(this.log, source, () -> "refusal");
			}
		}
		assertThat(this.lines).hasSize(20);
		assertThat(refusals.unlogged()).isEqualTo(100 * 100 - 20);
		RefusalLogger shortWindow = new RefusalLogger(5, 1, Duration.ZERO);
		this.lines.clear();
		AtomicInteger first = new AtomicInteger(5);
		shortWindow.refused(this.log, first, () -> "left out");
		shortWindow.refused(this.log, new AtomicInteger(), () -> "logged");
		assertThat(this.lines).containsExactly("logged (1 refusals since the last one logged were not logged)");
	}

}
