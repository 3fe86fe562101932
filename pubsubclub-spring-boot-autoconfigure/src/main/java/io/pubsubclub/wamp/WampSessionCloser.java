package io.pubsubclub.wamp;

import java.io.IOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.support.OutboundBuffer;
import org.springframework.web.socket.CloseStatus;

/**
 * Closes WAMP sessions of either version: the WebSocket with a status, then the session
 * out of the server (its subscriptions and calls). Closes asked for from a timer, the
 * call executor or a publisher's thread ({@link #closeLater}, {@link #slowSession}) run on
 * two threads of their own ({@code wamp-close-N}), never queued behind calls: closing a
 * slow session may wait on its socket, and must not wait on procedures. A close is small
 * and there is at most one per session, so their queue needs no bound.
 *
 * @author PubSubClub
 */
final class WampSessionCloser {

	private static final Log logger = LogFactory.getLog(WampWebSocketHandler.class);

	private final WampServer server;

	private final ThreadPoolExecutor executor;

	WampSessionCloser(WampServer server) {
		this.server = server;
		AtomicInteger count = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), (task) -> {
			Thread thread = new Thread(task, "wamp-close-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.executor.allowCoreThreadTimeOut(true);
	}

	/** The close threads, for the outbound buffers' own closes. */
	ThreadPoolExecutor executor() {
		return this.executor;
	}

	/** Close now, on the calling thread (one that may block: the container's). */
	void close(WampServerSession session, CloseStatus status) {
		session.authState().cancelTimeout();
		try {
			session.webSocket().close(status);
		}
		catch (IOException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("WAMP session " + session.getId() + ": close failed", ex);
			}
		}
		this.server.close(session);
	}

	/** Close on a close thread: from a timer or the call executor, where the close may block. */
	void closeLater(WampServerSession session, CloseStatus status) {
		try {
			this.executor.execute(() -> close(session, status));
		}
		catch (RejectedExecutionException ex) {
			logger.debug("WAMP session " + session.getId() + ": close not run, shutting down");
		}
	}

	/**
	 * A session whose outbound buffer overflowed (its WebSocket is being closed with 1013):
	 * counted, logged, and taken out of the server on a close thread, not on the
	 * publisher's (closing takes the subscription lock).
	 */
	void slowSession(WampServerSession session, OutboundBuffer.Overflow reason) {
		this.server.getMetrics().slowSessionClosed();
		logger.warn("WAMP session " + session.getId() + " from " + session.webSocket().getRemoteAddress()
				+ " cannot keep up (" + reason + "), closing with 1013");
		try {
			this.executor.execute(() -> this.server.close(session));
		}
		catch (RejectedExecutionException ex) {
			// the container's close callback cleans up when the close completes
			logger.debug("WAMP session " + session.getId() + ": clean-up deferred to the close", ex);
		}
	}

	void shutdown() {
		this.executor.shutdown();
	}

}
