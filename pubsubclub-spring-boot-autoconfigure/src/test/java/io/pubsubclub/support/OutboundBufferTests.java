package io.pubsubclub.support;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

/**
 * {@link OutboundBuffer} over a session double: overflow and failure with a close
 * executor that rejects, and {@code close()} racing senders.
 */
class OutboundBufferTests {

	private static final Executor REJECTING = (task) -> {
		throw new RejectedExecutionException("shutting down");
	};

	private final List<CloseStatus> closes = new CopyOnWriteArrayList<>();

	private final CountDownLatch closed = new CountDownLatch(1);

	@Test
	void overflowIsReportedAndTheSessionClosedWhenTheCloseExecutorRejects() throws Exception {
		RemoteEndpoint.Async remote = mock(RemoteEndpoint.Async.class);
		// nothing completes: frames pile up
		WebSocketSession session = session(remote);
		List<OutboundBuffer.Overflow> overflows = new CopyOnWriteArrayList<>();
		OutboundBuffer buffer = new OutboundBuffer(session, 10, 10_000, REJECTING,
				(ws, reason) -> overflows.add(reason));
		// one in flight, two queued: the buffer is full
		assertThat(buffer.send("12345")).isTrue();
		assertThat(buffer.send("12345")).isTrue();
		assertThat(buffer.send("12345")).isTrue();
		boolean[] queued = new boolean[1];
		assertThatNoException().isThrownBy(() -> queued[0] = buffer.send("12345"));
		assertThat(queued[0]).isFalse();
		assertThat(overflows).containsExactly(OutboundBuffer.Overflow.BUFFER);
		assertThat(this.closed.await(10, TimeUnit.SECONDS)).as("session closed").isTrue();
		assertThat(this.closes).containsExactly(OutboundBuffer.SLOW_CONSUMER);
		assertThat(buffer.rejectedCloses()).isOne();
		assertThat(buffer.send("1")).isFalse();
	}

	@Test
	void failedSendClosesTheSessionWhenTheCloseExecutorRejects() throws Exception {
		RemoteEndpoint.Async remote = mock(RemoteEndpoint.Async.class);
		doThrow(new IllegalStateException("broken")).when(remote).sendText(anyString(), any(SendHandler.class));
		WebSocketSession session = session(remote);
		OutboundBuffer buffer = new OutboundBuffer(session, 1000, 10_000, REJECTING, (ws, reason) -> {
		});
		assertThatNoException().isThrownBy(() -> buffer.send("12345"));
		assertThat(this.closed.await(10, TimeUnit.SECONDS)).as("session closed").isTrue();
		assertThat(this.closes).containsExactly(CloseStatus.SERVER_ERROR);
		assertThat(buffer.send("1")).isFalse();
	}

	@Test
	void aSendExecutorThatRejectsClosesTheSessionInsteadOfThrowing() throws Exception {
		WebSocketSession session = session(mock(RemoteEndpoint.Async.class));
		OutboundBuffer buffer = new OutboundBuffer(session, 1000, 10_000, Runnable::run, (ws, reason) -> {
		}, REJECTING);
		boolean[] queued = new boolean[1];
		assertThatNoException().isThrownBy(() -> queued[0] = buffer.send("12345"));
		assertThat(queued[0]).isFalse();
		assertThat(this.closed.await(10, TimeUnit.SECONDS)).as("session closed").isTrue();
		assertThat(this.closes).containsExactly(CloseStatus.SERVER_ERROR);
		assertThat(buffer.queued()).isZero();
	}

	@Test
	void nothingStaysQueuedAndTheCountNeverGoesNegativeWhenCloseRacesSenders() throws Exception {
		int rounds = Integer.getInteger("pubsubclub.outbound.rounds", 3000);
		for (int round = 0; round < rounds; round++) {
			RemoteEndpoint.Async remote = mock(RemoteEndpoint.Async.class);
			// completes every send on the sending thread, as a container with room does
			doAnswer((invocation) -> {
				invocation.<SendHandler>getArgument(1).onResult(new SendResult());
				return null;
			}).when(remote).sendText(anyString(), any(SendHandler.class));
			OutboundBuffer buffer = new OutboundBuffer(session(remote), 1 << 20, 10_000, Runnable::run,
					(ws, reason) -> {
					});
			CountDownLatch go = new CountDownLatch(1);
			List<Throwable> thrown = new CopyOnWriteArrayList<>();
			List<String> negative = new CopyOnWriteArrayList<>();
			AtomicBoolean racing = new AtomicBoolean(true);
			Runnable sender = () -> {
				await(go);
				for (int i = 0; i < 50; i++) {
					buffer.send("frame-" + i);
				}
			};
			// the counts are sampled all through the race, not only once it is over
			Runnable sampler = () -> {
				await(go);
				do {
					long chars = buffer.queued();
					int frames = buffer.queuedFrames();
					if (chars < 0 || frames < 0) {
						negative.add(chars + " characters, " + frames + " frames");
					}
				}
				while (racing.get());
			};
			List<Thread> threads = List.of(new Thread(sender), new Thread(sender), new Thread(sampler));
			for (Thread thread : threads) {
				// an exception on a sender thread fails the test rather than a log line
				thread.setUncaughtExceptionHandler((t, ex) -> thrown.add(ex));
				thread.start();
			}
			go.countDown();
			buffer.close();
			threads.get(0).join();
			threads.get(1).join();
			racing.set(false);
			threads.get(2).join();
			assertThat(thrown).as("exceptions on the racing threads, round " + round).isEmpty();
			assertThat(negative).as("negative counts seen during the race, round " + round).isEmpty();
			assertThat(buffer.queued()).as("queued characters after close, round " + round).isZero();
			assertThat(buffer.queuedFrames()).as("queued frames after close, round " + round).isZero();
		}
	}

	private WebSocketSession session(RemoteEndpoint.Async remote) throws Exception {
		Session nativeSession = mock(Session.class);
		when(nativeSession.getAsyncRemote()).thenReturn(remote);
		when(nativeSession.getBasicRemote()).thenReturn(mock(RemoteEndpoint.Basic.class));
		when(nativeSession.getUserProperties()).thenReturn(new HashMap<>());
		WebSocketSession session = mock(WebSocketSession.class,
				withSettings().extraInterfaces(NativeWebSocketSession.class));
		when(((NativeWebSocketSession) session).getNativeSession(Session.class)).thenReturn(nativeSession);
		when(session.getId()).thenReturn("s1");
		doAnswer((invocation) -> {
			this.closes.add(invocation.getArgument(0));
			this.closed.countDown();
			return null;
		}).when(session).close(any(CloseStatus.class));
		return session;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
