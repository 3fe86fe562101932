package io.pubsubclub.support;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendResult;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.adapter.NativeWebSocketSession;
import org.springframework.web.socket.WebSocketSession;

/**
 * A bounded outbound queue of text frames for one WebSocket session, sent with the
 * container's asynchronous remote so that {@link #send(String)} never blocks the caller.
 * Frames are written in order, one at a time (a WebSocket session has one writer). When
 * the queued frames exceed the buffer limit, or one frame has been in flight longer than
 * the send-time limit, the session is closed with {@link #SLOW_CONSUMER} and the overflow
 * callback is told why; the close runs on the given executor, never on the sender's thread.
 * <p>
 * The buffer is counted in characters of queued text, a cheap stand-in for bytes
 * ({@link FrameQueue}); the close runs through a {@link SessionCloser}.
 * <p>
 * A buffer given a send executor writes with the container's blocking remote and
 * batching allowed while it drains the queue: the frames that queued up while one was
 * being written go out together, flushed once the queue is empty, instead of one write
 * and one thread hand-off each.
 *
 * @author PubSubClub
 */
public final class OutboundBuffer implements FrameSender {

	/**
	 * Close status used when a session cannot keep up ("Try Again Later").
	 */
	public static final CloseStatus SLOW_CONSUMER = new CloseStatus(1013, "slow consumer: outbound buffer overflow");

	/**
	 * Why a session was cut off.
	 */
	public enum Overflow {

		/** The queued frames exceeded the buffer limit. */
		BUFFER,

		/** One frame was in flight longer than the send-time limit. */
		SEND_TIME

	}

	private static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	private static final String TOMCAT_SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";

	private static final Log logger = LogFactory.getLog(OutboundBuffer.class);

	private final WebSocketSession session;

	private final RemoteEndpoint.Async remote;

	private final long bufferLimit;

	private final long sendTimeLimitNanos;

	private final BiConsumer<WebSocketSession, Overflow> onOverflow;

	private final @Nullable Executor sendExecutor;

	private final RemoteEndpoint.@Nullable Basic batch;

	private final boolean writeWhenIdle;

	private final FrameQueue queue = new FrameQueue();

	private final SessionCloser closer;

	private final AtomicBoolean sending = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean cutOff = new AtomicBoolean();

	/**
	 * Create a buffer for the given session.
	 * @param session a session backed by a JSR-356 session
	 * @param bufferLimit the most characters that may wait to be sent
	 * @param sendTimeLimitMillis the longest one frame may take to be sent
	 * @param closeExecutor where the session is closed when it overflows
	 * @param onOverflow told once, when the session is cut off
	 */
	public OutboundBuffer(WebSocketSession session, long bufferLimit, long sendTimeLimitMillis, Executor closeExecutor,
			BiConsumer<WebSocketSession, Overflow> onOverflow) {
		this(session, bufferLimit, sendTimeLimitMillis, closeExecutor, onOverflow, null);
	}

	/**
	 * Create a buffer for the given session whose frames are written from the given
	 * executor rather than from the sender's thread, in batches. Needed where the
	 * container's "asynchronous" remote in fact blocks until the frame is written, as
	 * Tomcat's WebSocket client does.
	 * @param session a session backed by a JSR-356 session
	 * @param bufferLimit the most characters that may wait to be sent
	 * @param sendTimeLimitMillis the longest one frame may take to be sent
	 * @param closeExecutor where the session is closed when it overflows
	 * @param onOverflow told once, when the session is cut off
	 * @param sendExecutor where frames are written, {@code null} for the sender's thread
	 */
	public OutboundBuffer(WebSocketSession session, long bufferLimit, long sendTimeLimitMillis, Executor closeExecutor,
			BiConsumer<WebSocketSession, Overflow> onOverflow, @Nullable Executor sendExecutor) {
		this(session, bufferLimit, sendTimeLimitMillis, closeExecutor, onOverflow, sendExecutor, false);
	}

	/**
	 * Create a buffer for the given session that, when it has nothing in flight, writes a
	 * frame at once with the container's asynchronous remote on the sender's thread, and
	 * writes the frames that queue up behind it in batches from the given executor (never
	 * from the container's thread that completes the send, which also reads). For a container whose asynchronous remote does not
	 * block, as Tomcat's server side: an idle link then costs no thread hand-off, a busy
	 * one no write per frame.
	 * @param session a session backed by a JSR-356 session
	 * @param bufferLimit the most characters that may wait to be sent
	 * @param sendTimeLimitMillis the longest one frame may take to be sent
	 * @param closeExecutor where the session is closed when it overflows
	 * @param onOverflow told once, when the session is cut off
	 * @param sendExecutor where queued frames are written in batches
	 * @param writeWhenIdle whether the sender's thread writes a frame itself when nothing
	 * is in flight
	 */
	public OutboundBuffer(WebSocketSession session, long bufferLimit, long sendTimeLimitMillis, Executor closeExecutor,
			BiConsumer<WebSocketSession, Overflow> onOverflow, @Nullable Executor sendExecutor,
			boolean writeWhenIdle) {
		this.sendExecutor = sendExecutor;
		this.writeWhenIdle = writeWhenIdle && sendExecutor != null;
		this.session = session;
		jakarta.websocket.Session nativeSession = ((NativeWebSocketSession) session)
			.getNativeSession(jakarta.websocket.Session.class);
		if (nativeSession == null) {
			throw new IllegalArgumentException("Session " + session.getId() + " is not a JSR-356 session");
		}
		this.remote = nativeSession.getAsyncRemote();
		this.remote.setSendTimeout(sendTimeLimitMillis);
		// Tomcat: a close queued behind a stuck write, or unanswered by the peer, gives
		// up after the send-time limit instead of the container defaults (20s/30s). A
		// blocking (batched) write gets twice the limit: a sender sees it stuck at the
		// limit and cuts the peer off as too slow first; when Tomcat's own timeout comes
		// first it closes the session itself (1006) and the cause is lost to the link
		nativeSession.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, 2 * sendTimeLimitMillis);
		nativeSession.getUserProperties().put(TOMCAT_SESSION_CLOSE_TIMEOUT, sendTimeLimitMillis);
		this.batch = (sendExecutor != null) ? nativeSession.getBasicRemote() : null;
		this.bufferLimit = bufferLimit;
		this.sendTimeLimitNanos = sendTimeLimitMillis * 1_000_000L;
		this.closer = new SessionCloser(session, closeExecutor);
		this.onOverflow = onOverflow;
	}

	/**
	 * Queue a text frame. Never blocks.
	 * @param frame the frame text
	 * @return {@code false} if the frame was not queued because the session is closed or
	 * was just cut off for being too slow
	 */
	@Override
	public boolean send(String frame) {
		if (this.closed.get()) {
			return false;
		}
		if (this.queue.stuck(this.sendTimeLimitNanos)) {
			overflow(Overflow.SEND_TIME);
			return false;
		}
		if (!this.queue.add(frame, this.bufferLimit)) {
			overflow(Overflow.BUFFER);
			return false;
		}
		if (this.closed.get()) {
			// closed between the check above and the add: nothing may stay queued
			this.queue.discard();
			return false;
		}
		if (this.sendExecutor == null) {
			drain();
		}
		else if (!this.sending.get()) {
			if (this.writeWhenIdle) {
				writeOne();
			}
			else {
				try {
					this.sendExecutor.execute(this::drain);
				}
				catch (RejectedExecutionException ex) {
					// shutting down, or bounded and full: the frame cannot go out
					failed(ex);
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Return the number of characters waiting to be sent.
	 * @return the queued characters
	 */
	public long queued() {
		return this.queue.queued();
	}

	/**
	 * Return the number of frames waiting to be sent.
	 * @return the queued frames
	 */
	public int queuedFrames() {
		return this.queue.queuedFrames();
	}

	/**
	 * Return how many times the close executor refused to close the session.
	 * @return the refused closes
	 */
	public long rejectedCloses() {
		return this.closer.rejected();
	}

	/**
	 * Return the number of frames handed to the network so far.
	 * @return the frames sent
	 */
	@Override
	public long framesSent() {
		return this.queue.framesSent();
	}

	/**
	 * Return the number of characters handed to the network so far.
	 * @return the characters sent
	 */
	public long charsSent() {
		return this.queue.charsSent();
	}

	/**
	 * Stop sending; frames still queued are dropped. Called when the session closed.
	 */
	@Override
	public void close() {
		this.closed.set(true);
		this.queue.discard();
	}

	// the caller holds sending
	private @Nullable String take() {
		return this.queue.take();
	}

	private void sent(String frame) {
		this.queue.sent(frame);
	}

	private void drain() {
		if (this.batch != null) {
			drainBatch(this.batch);
			return;
		}
		while (!this.closed.get() && !this.queue.isEmpty() && this.sending.compareAndSet(false, true)) {
			String frame = take();
			if (frame == null) {
				this.sending.set(false);
				continue;
			}
			Send send = new Send(frame, Thread.currentThread());
			try {
				this.remote.sendText(frame, send);
			}
			catch (RuntimeException ex) {
				failed(ex);
				return;
			}
			if (!send.callerReturned()) {
				// completion comes on another thread, which goes on draining
				return;
			}
			this.sending.set(false);
		}
	}

	private void drainBatch(RemoteEndpoint.Basic basic) {
		while (!this.closed.get() && !this.queue.isEmpty() && this.sending.compareAndSet(false, true)) {
			boolean written;
			try {
				written = writeBatch(basic);
			}
			finally {
				this.sending.set(false);
			}
			if (!written) {
				return;
			}
		}
	}

	/**
	 * Write every queued frame, batched, and flush; the caller holds {@link #sending}.
	 * @return {@code false} if the session failed
	 */
	private boolean writeBatch(RemoteEndpoint.Basic basic) {
		try {
			// batching only while draining: a frame the container sends by itself
			// between drains (a pong) must not wait in a batch nobody flushes
			basic.setBatchingAllowed(true);
			String frame;
			while (!this.closed.get() && (frame = take()) != null) {
				basic.sendText(frame);
				sent(frame);
			}
			this.queue.inFlight(true);
			basic.setBatchingAllowed(false);
			this.queue.inFlight(false);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			this.queue.inFlight(false);
			failed(ex);
			return false;
		}
	}

	/**
	 * Write the next frame with the asynchronous remote on the sender's thread, if nothing
	 * is in flight. What queues up meanwhile is written by {@link FirstSend}.
	 */
	private void writeOne() {
		while (!this.closed.get() && !this.queue.isEmpty() && this.sending.compareAndSet(false, true)) {
			String frame = take();
			if (frame == null) {
				this.sending.set(false);
				continue;
			}
			try {
				this.remote.sendText(frame, new FirstSend(frame));
			}
			catch (RuntimeException ex) {
				failed(ex);
			}
			return;
		}
	}

	/**
	 * The frame a sender wrote itself. Its completion hands whatever queued up behind it
	 * to the send executor.
	 */
	private final class FirstSend implements jakarta.websocket.SendHandler {

		private final String frame;

		FirstSend(String frame) {
			this.frame = frame;
		}

		@Override
		public void onResult(SendResult result) {
			OutboundBuffer outbound = OutboundBuffer.this;
			outbound.queue.inFlight(false);
			if (!result.isOK()) {
				failed(result.getException());
				return;
			}
			sent(this.frame);
			RemoteEndpoint.Basic basic = outbound.batch;
			Executor executor = outbound.sendExecutor;
			if (basic == null || executor == null) {
				throw new IllegalStateException("No batching remote or send executor");
			}
			// what queued up behind this frame is written on the send executor: never on
			// the container's thread that completed the send, which also reads; blocking
			// writes there would hold up the reads (pongs, 201/202) of every link
			outbound.sending.set(false);
			if (!outbound.closed.get() && !outbound.queue.isEmpty()) {
				try {
					executor.execute(outbound::drain);
				}
				catch (RejectedExecutionException ex) {
					// shutting down: the session is being closed
					logger.debug("Send executor refused the batch of session " + outbound.session.getId(), ex);
				}
			}
		}

	}

	/**
	 * One frame in flight. A container may complete a send inside {@code sendText};
	 * then the loop in {@link #drain()} goes on instead of recursing once per frame.
	 */
	private final class Send implements jakarta.websocket.SendHandler {

		private final String frame;

		private final Thread caller;

		private boolean returned;

		private boolean completedInline;

		Send(String frame, Thread caller) {
			this.frame = frame;
			this.caller = caller;
		}

		/**
		 * Called by the draining thread once {@code sendText} has returned.
		 * @return whether the send completed inside {@code sendText}
		 */
		boolean callerReturned() {
			this.returned = true;
			return this.completedInline;
		}

		@Override
		public void onResult(SendResult result) {
			OutboundBuffer.this.queue.inFlight(false);
			if (!result.isOK()) {
				failed(result.getException());
				return;
			}
			sent(this.frame);
			if (Thread.currentThread() == this.caller && !this.returned) {
				this.completedInline = true;
				return;
			}
			OutboundBuffer.this.sending.set(false);
			drain();
		}

	}

	private void failed(@Nullable Throwable ex) {
		// before the closed check: Tomcat closes the session itself (1006) when a blocking
		// write times out, before the exception reaches here; it is still a cut-off
		if (timedOut(ex)) {
			overflow(Overflow.SEND_TIME);
			return;
		}
		if (this.closed.get()) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Send to session " + this.session.getId() + " failed", ex);
		}
		if (this.closed.compareAndSet(false, true)) {
			this.queue.discard();
			this.closer.closeLater(CloseStatus.SERVER_ERROR);
		}
	}

	private static boolean timedOut(@Nullable Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof java.net.SocketTimeoutException
					|| cause instanceof java.util.concurrent.TimeoutException) {
				return true;
			}
		}
		return false;
	}

	private void overflow(Overflow reason) {
		boolean open = this.closed.compareAndSet(false, true);
		// told once, also when the container had already closed the session
		if (this.cutOff.compareAndSet(false, true) && (open || reason == Overflow.SEND_TIME)) {
			this.queue.discard();
			this.onOverflow.accept(this.session, reason);
			if (open) {
				this.closer.closeLater(SLOW_CONSUMER);
			}
		}
	}

}
