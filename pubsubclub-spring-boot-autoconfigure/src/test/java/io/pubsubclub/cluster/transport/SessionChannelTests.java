package io.pubsubclub.cluster.transport;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionChannel}.
 */
class SessionChannelTests {

	@Test
	void closeReasonFitsACloseFrame() {
		assertThat(SessionChannel.truncate("short")).isEqualTo("short");
		String longReason = "\u00e9".repeat(100);
		String truncated = SessionChannel.truncate(longReason);
		assertThat(truncated.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
		assertThat(truncated).startsWith("\u00e9\u00e9").endsWith("...");
	}

}
