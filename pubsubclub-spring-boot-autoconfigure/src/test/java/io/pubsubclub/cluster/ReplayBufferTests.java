package io.pubsubclub.cluster;

import java.util.ArrayList;
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
		Replay replay = replay(buffer, 990, List.of("even"), 0);
		assertThat(replay.complete()).isTrue();
		assertThat(replay.events()).extracting(ReplayBufferTests::seq).containsExactly(992L, 994L, 996L, 998L, 1000L);
		assertThat(replay.events())
			.containsExactly(frame(992, "even", payload), frame(994, "even", payload), frame(996, "even", payload),
					frame(998, "even", payload), frame(1000, "even", payload));
		Replay old = replay(buffer, 10, List.of("odd"), 0);
		assertThat(old.complete()).isFalse();
		assertThat(old.firstSeqStillHeld()).isGreaterThan(500).isLessThanOrEqualTo(seq(old.events().get(0)));
		assertThat(seq(old.events().get(old.events().size() - 1))).isEqualTo(999);
	}

	@Test
	void boundsByCountAndAgeAndKeepsNonAsciiText() {
		ReplayBuffer buffer = new ReplayBuffer(3, 1 << 20, 1000);
		for (int seq = 1; seq <= 5; seq++) {
			buffer.add(event(seq, "t\u00e9", "\"h\u00e9 \u20ac\"", 0));
		}
		assertThat(buffer.size()).isEqualTo(3);
		Replay replay = replay(buffer, 1, List.of("t\u00e9"), 0);
		assertThat(replay.firstSeqStillHeld()).isEqualTo(3);
		assertThat(replay.events())
			.containsExactly(frame(3, "t\u00e9", "\"h\u00e9 \u20ac\""), frame(4, "t\u00e9", "\"h\u00e9 \u20ac\""),
					frame(5, "t\u00e9", "\"h\u00e9 \u20ac\""));
		Replay later = replay(buffer, 4, List.of("t\u00e9"), 5000);
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
		Replay replay = replay(buffer, 0, List.of("t"), 0);
		assertThat(replay.complete()).isFalse();
		assertThat(replay.firstSeqStillHeld()).isEqualTo(2);
		assertThat(replay.events()).extracting(ReplayBufferTests::seq).containsExactly(2L);
	}

	@Test
	void topicsWithTheSameHashAreToldApart() {
		// "Aa" and "BB" have the same String hash
		ReplayBuffer buffer = new ReplayBuffer(100, 1 << 20, MINUTE);
		buffer.add(event(1, "Aa", "1", 0));
		buffer.add(event(2, "BB", "2", 0));
		assertThat(replay(buffer, 0, List.of("BB"), 0).events()).extracting(ReplayBufferTests::seq).containsExactly(2L);
	}

	@Test
	void aReplayReadInBatchesReportsWhatWasLetGoWhileItWasRead() {
		ReplayBuffer buffer = new ReplayBuffer(4, 1 << 20, MINUTE);
		for (int seq = 1; seq <= 4; seq++) {
			buffer.add(event(seq, "t", String.valueOf(seq), 0));
		}
		ReplayBuffer.Cursor cursor = buffer.open(0, List.of("t"));
		List<String> batch = new ArrayList<>();
		assertThat(buffer.next(cursor, 1, batch, 0)).isFalse();
		assertThat(batch).extracting(ReplayBufferTests::seq).containsExactly(1L);
		// three more published while the replay is read: 2 and 3 are let go unread
		for (int seq = 5; seq <= 7; seq++) {
			buffer.add(event(seq, "t", String.valueOf(seq), 0));
		}
		batch.clear();
		assertThat(buffer.next(cursor, Long.MAX_VALUE, batch, 0)).isTrue();
		assertThat(batch).extracting(ReplayBufferTests::seq).containsExactly(4L, 5L, 6L, 7L);
		assertThat(cursor.lostUpTo()).isEqualTo(3);
	}

	@Test
	void aPublishRecordedAsLostIsAGapEvenIfOlderEventsOfItsTopicAreLetGoLater() {
		ReplayBuffer buffer = new ReplayBuffer(2, 1 << 20, MINUTE);
		buffer.add(event(1, "t", "1", 0));
		buffer.lost("t", 2);
		buffer.add(event(3, "u", "3", 0));
		buffer.add(event(4, "u", "4", 0));
		Replay replay = replay(buffer, 1, List.of("t"), 0);
		assertThat(replay.complete()).isFalse();
		assertThat(replay.firstSeqStillHeld()).isEqualTo(3);
	}

	// a whole replay, read one event at a time
	private static Replay replay(ReplayBuffer buffer, long lastSeq, List<String> topics, long now) {
		ReplayBuffer.Cursor cursor = buffer.open(lastSeq, topics);
		List<String> frames = new ArrayList<>();
		while (!buffer.next(cursor, 1, frames, now)) {
			// next batch
		}
		return new Replay(frames, cursor.lostUpTo() == 0, cursor.lostUpTo() + 1);
	}

	private record Replay(List<String> events, boolean complete, long firstSeqStillHeld) {
	}

	private static long seq(String frame) {
		return Long.parseLong(frame.substring(frame.lastIndexOf(',') + 1, frame.length() - 1));
	}

	private static SequencedEvent event(long seq, String topic, String eventJson, long nanos) {
		return new SequencedEvent(seq, topic, frame(seq, topic, eventJson), nanos);
	}

	private static String frame(long seq, String topic, String eventJson) {
		return PscResumeCodec.event(PscCodec.quote(topic), eventJson, seq, null);
	}

}
