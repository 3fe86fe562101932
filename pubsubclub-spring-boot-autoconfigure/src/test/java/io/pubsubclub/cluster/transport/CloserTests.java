package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * Shutdown closes: all at once, and one that hangs does not hold up the rest past the
 * shared deadline.
 */
class CloserTests {

	@Test
	void closesEverySessionAtOnceAndWaitsForThemTogetherUpToTheDeadline() throws Exception {
		int count = 6;
		CountDownLatch allClosing = new CountDownLatch(count);
		CountDownLatch neverReleased = new CountDownLatch(1);
		List<WebSocketSession> sessions = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			WebSocketSession session = mock(WebSocketSession.class);
			when(session.getId()).thenReturn("s" + i);
			boolean hangs = (i == 0);
			doAnswer((invocation) -> {
				allClosing.countDown();
				// each close waits until every one has started: one by one, none would end
				allClosing.await(10, TimeUnit.SECONDS);
				if (hangs) {
					neverReleased.await(30, TimeUnit.SECONDS);
				}
				return null;
			}).when(session).close(any(CloseStatus.class));
			sessions.add(session);
		}
		Closer closer = new Closer("test-close-");
		int late = closer.closeAll(sessions, CloseStatus.GOING_AWAY, Duration.ofSeconds(3));
		assertThat(allClosing.getCount()).as("closes started together").isZero();
		assertThat(late).as("the one that hangs is left behind at the deadline").isOne();
		neverReleased.countDown();
		closer.shutdown();
	}

}
