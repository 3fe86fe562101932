package io.pubsubclub.cluster.transport;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.FrameSender;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SentFrames}: the characters a sender holds, told from the frames it
 * has written, with the pongs it writes by itself taken off.
 */
class SentFramesTests {

	@Test
	void queuedIsTheCharactersOfTheFramesNotYetWritten() {
		FakeSender sender = new FakeSender();
		SentFrames frames = new SentFrames(sender);
		assertThat(frames.queued()).isZero();
		frames.send("a".repeat(10));
		frames.send("b".repeat(200));
		frames.send("c".repeat(3000));
		assertThat(frames.queued()).isEqualTo(3210);
		sender.write(1);
		assertThat(frames.queued()).isEqualTo(3200);
		sender.write(1);
		assertThat(frames.queued()).isEqualTo(3000);
		sender.write(1);
		assertThat(frames.queued()).isZero();
	}

	@Test
	void pongsSeenWhileNothingWaitsAreTakenOff() {
		FakeSender sender = new FakeSender();
		SentFrames frames = new SentFrames(sender);
		frames.send("x".repeat(100));
		sender.write(1);
		// two pongs written by the sender itself
		sender.written += 2;
		assertThat(frames.queued()).isZero();
		frames.send("y".repeat(40));
		frames.send("z".repeat(60));
		assertThat(frames.queued()).isEqualTo(100);
		sender.write(1);
		assertThat(frames.queued()).isEqualTo(60);
	}

	@Test
	void moreFramesWaitingThanTrackedAreTakenAtTheAverageSizeOfTheLastOnes() {
		FakeSender sender = new FakeSender();
		SentFrames frames = new SentFrames(sender);
		for (int i = 0; i < SentFrames.CAPACITY; i++) {
			frames.send("ff");
		}
		for (int i = 0; i < 1000; i++) {
			frames.send("f".repeat(10));
		}
		// 5,096 frames wait; the last 4,095 hold 3,095 x 2 + 1,000 x 10 characters
		long known = 3095 * 2 + 1000 * 10;
		assertThat(frames.queued()).isEqualTo(known * 5096 / 4095);
		sender.write(1001);
		assertThat(frames.queued()).isEqualTo(3095 * 2 + 1000 * 10);
	}

	@Test
	void aRefusedFrameIsReported() {
		FakeSender sender = new FakeSender();
		sender.refuse = true;
		SentFrames frames = new SentFrames(sender);
		assertThat(frames.send("x")).isFalse();
	}

	/**
	 * Holds what it is sent; writes when told.
	 */
	static final class FakeSender implements FrameSender {

		final List<String> taken = new ArrayList<>();

		long written;

		boolean refuse;

		void write(int count) {
			this.written += count;
		}

		@Override
		public boolean send(String frame) {
			if (this.refuse) {
				return false;
			}
			this.taken.add(frame);
			return true;
		}

		@Override
		public void close() {
		}

		@Override
		public long framesSent() {
			return this.written;
		}

	}

}
