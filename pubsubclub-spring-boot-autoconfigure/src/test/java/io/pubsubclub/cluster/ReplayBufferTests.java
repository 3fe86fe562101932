package io.pubsubclub.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@link ReplayBuffer}: bounds by count, bytes and age, its ring of reused
 * chunks, and the gap it reports.
 */
class ReplayBufferTests {

	private static final long MINUTE = 60_000_000_000L;

	@Test
	void keepsFramesAcrossManyTurnsOfItsChunksAndReplaysTheNewestInOrder() {
		// 64 KB chunks, 2 of them: 1,000 frames of ~1 KB go round the ring many times
		ReplayBuffer buffer = new ReplayBuffer(100_000, 128 * 1024, MINUTE);
		String payload = "\"" + "x".repeat(1000) + "\"";
		for (int seq = 1; seq <= 1000; seq++) {
			buffer.add(event(seq, (seq % 2 == 0) ? "even" : "odd", payload, 0));
		}
		assertThat(buffer.bytes()).isLessThanOrEqualTo(128 * 1024);
		ReplayBuffer.Replay replay = buffer.replay(990, List.of("even"), 0);
		assertThat(replay.complete()).isTrue();
		assertThat(replay.events()).extracting(SequencedEvent::seq).containsExactly(992L, 994L, 996L, 998L, 1000L);
		assertThat(replay.events()).extracting(SequencedEvent::frame)
			.containsExactly(frame(992, "even", payload), frame(994, "even", payload), frame(996, "even", payload),
					frame(998, "even", payload), frame(1000, "even", payload));
		ReplayBuffer.Replay old = buffer.replay(10, List.of("odd"), 0);
		assertThat(old.complete()).isFalse();
		assertThat(old.firstSeqStillHeld()).isGreaterThan(500).isLessThanOrEqualTo(old.events().get(0).seq());
		assertThat(old.events().get(old.events().size() - 1).seq()).isEqualTo(999);
	}

	@Test
	void boundsByCountAndAgeAndKeepsNonAsciiText() {
		ReplayBuffer buffer = new ReplayBuffer(3, 1 << 20, 1000);
		for (int seq = 1; seq <= 5; seq++) {
			buffer.add(event(seq, "t\u00e9", "\"h\u00e9 \u20ac\"", 0));
		}
		assertThat(buffer.size()).isEqualTo(3);
		ReplayBuffer.Replay replay = buffer.replay(1, List.of("t\u00e9"), 0);
		assertThat(replay.firstSeqStillHeld()).isEqualTo(3);
		assertThat(replay.events()).extracting(SequencedEvent::frame)
			.containsExactly(frame(3, "t\u00e9", "\"h\u00e9 \u20ac\""), frame(4, "t\u00e9", "\"h\u00e9 \u20ac\""),
					frame(5, "t\u00e9", "\"h\u00e9 \u20ac\""));
		ReplayBuffer.Replay later = buffer.replay(4, List.of("t\u00e9"), 5000);
		assertThat(later.events()).isEmpty();
		assertThat(later.complete()).isFalse();
		assertThat(later.firstSeqStillHeld()).isEqualTo(6);
		assertThat(buffer.size()).isZero();
	}

	@Test
	void aFrameTooBigToKeepCountsAsLetGo() {
		ReplayBuffer buffer = new ReplayBuffer(100, 64 * 1024, MINUTE);
		buffer.add(event(1, "t", "\"" + "x".repeat(70_000) + "\"", 0));
		buffer.add(event(2, "t", "2", 0));
		ReplayBuffer.Replay replay = buffer.replay(0, List.of("t"), 0);
		assertThat(replay.complete()).isFalse();
		assertThat(replay.firstSeqStillHeld()).isEqualTo(2);
		assertThat(replay.events()).extracting(SequencedEvent::seq).containsExactly(2L);
	}

	@Test
	void topicsWithTheSameHashAreToldApart() {
		// "Aa" and "BB" have the same String hash
		ReplayBuffer buffer = new ReplayBuffer(100, 1 << 20, MINUTE);
		buffer.add(event(1, "Aa", "1", 0));
		buffer.add(event(2, "BB", "2", 0));
		assertThat(buffer.replay(0, List.of("BB"), 0).events()).extracting(SequencedEvent::seq).containsExactly(2L);
	}

	private static SequencedEvent event(long seq, String topic, String eventJson, long nanos) {
		return new SequencedEvent(seq, topic, frame(seq, topic, eventJson), nanos);
	}

	private static String frame(long seq, String topic, String eventJson) {
		return PscResumeCodec.event(PscCodec.quote(topic), eventJson, seq, null);
	}

}
