package io.pubsubclub.support;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue under an outbound buffer: its bound in characters, the frame in flight and
 * what went out.
 */
class FrameQueueTests {

	private final FrameQueue queue = new FrameQueue();

	@Test
	void aFrameThatWouldPassTheLimitIsNotQueuedNorCounted() {
		assertThat(this.queue.add("abc", 5)).isTrue();
		assertThat(this.queue.add("def", 5)).isFalse();
		assertThat(this.queue.add("de", 5)).isTrue();
		assertThat(this.queue.queued()).isEqualTo(5);
		assertThat(this.queue.queuedFrames()).isEqualTo(2);
	}

	@Test
	void takingAFrameUncountsItAndMarksItInFlightUntilItWent() throws Exception {
		this.queue.add("abc", 100);
		this.queue.add("de", 100);
		assertThat(this.queue.stuck(0)).as("nothing in flight").isFalse();
		assertThat(this.queue.take()).isEqualTo("abc");
		assertThat(this.queue.queued()).isEqualTo(2);
		Thread.sleep(2);
		assertThat(this.queue.stuck(1)).as("in flight past the limit").isTrue();
		this.queue.sent("abc");
		this.queue.inFlight(false);
		assertThat(this.queue.stuck(0)).isFalse();
		assertThat(this.queue.framesSent()).isOne();
		assertThat(this.queue.charsSent()).isEqualTo(3);
	}

	@Test
	void discardEmptiesTheQueueAndItsCount() {
		this.queue.add("abc", 100);
		this.queue.add("de", 100);
		this.queue.discard();
		assertThat(this.queue.isEmpty()).isTrue();
		assertThat(this.queue.queued()).isZero();
		assertThat(this.queue.take()).isNull();
	}

}
