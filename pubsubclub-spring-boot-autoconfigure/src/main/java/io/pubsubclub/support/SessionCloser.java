package io.pubsubclub.support;

import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * Closes one WebSocket session off the caller's thread, on the given executor. An
 * executor that refuses (bounded and full, or shutting down) must not turn a close into
 * an exception in the caller (a publisher): the close then gets a thread of its own, and
 * is counted. A close that fails is logged at DEBUG.
 *
 * @author PubSubClub
 */
final class SessionCloser {

	private static final Log logger = LogFactory.getLog(OutboundBuffer.class);

	private final WebSocketSession session;

	private final Executor executor;

	private final AtomicLong rejected = new AtomicLong();

	SessionCloser(WebSocketSession session, Executor executor) {
		this.session = session;
		this.executor = executor;
	}

	void closeLater(CloseStatus status) {
		try {
			this.executor.execute(() -> closeQuietly(status));
		}
		catch (RejectedExecutionException ex) {
			this.rejected.incrementAndGet();
			logger.warn("Close executor refused to close session " + this.session.getId() + " (" + ex.getMessage()
					+ "); closing it on a thread of its own");
			Thread closer = new Thread(() -> closeQuietly(status), "pubsubclub-close-" + this.session.getId());
			closer.setDaemon(true);
			closer.setContextClassLoader(OutboundBuffer.class.getClassLoader());
			closer.start();
		}
	}

	/**
	 * Return how many times the executor refused a close.
	 * @return the refused closes
	 */
	long rejected() {
		return this.rejected.get();
	}

	private void closeQuietly(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Close of session " + this.session.getId() + " failed", ex);
			}
		}
	}

}
