package io.pubsubclub.wamp;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.ReadSuspension;
import org.apache.tomcat.websocket.WsSession;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Slows a session that publishes over its budget by not reading its socket until the
 * budget is back at zero: the client's own TCP window then holds it back, and the
 * sessions that read its events are not fed faster than the budget. The starter's own
 * transport ({@link ReadSuspension}) and Tomcat's JSR-356 session can suspend reading; on
 * other containers {@link #canSuspend} is {@code false} and the server refuses publishes
 * over budget instead.
 * <p>
 * The resume runs on the server's timer; it only re-arms the container's read, which
 * hands the socket to the container's own threads.
 *
 * @author PubSubClub
 */
final class ReadThrottle {

	private static final Log logger = LogFactory.getLog(ReadThrottle.class);

	private final WampServerSession session;

	private final @Nullable ReadSuspension suspension;

	// guarded by this
	private boolean suspended;

	ReadThrottle(WampServerSession session, WebSocketSession webSocket) {
		this.session = session;
		this.suspension = suspension(webSocket);
	}

	private static @Nullable ReadSuspension suspension(WebSocketSession webSocket) {
		if (webSocket instanceof ReadSuspension suspension) {
			return suspension;
		}
		if (webSocket instanceof NativeWebSocketSession nws && nws.getNativeSession() instanceof WsSession ws) {
			return new ReadSuspension() {

				@Override
				public void suspendReading() {
					ws.suspend();
				}

				@Override
				public void resumeReading() {
					ws.resume();
				}

			};
		}
		return null;
	}

	boolean canSuspend() {
		return this.suspension != null;
	}

	/**
	 * Stop reading the session's socket for a while, unless it is stopped already.
	 * @return whether reading was stopped now
	 */
	boolean suspend(long nanos, ScheduledExecutorService timer) {
		ReadSuspension suspension = this.suspension;
		if (suspension == null) {
			return false;
		}
		synchronized (this) {
			if (this.suspended) {
				return false;
			}
			this.suspended = true;
		}
		try {
			suspension.suspendReading();
			timer.schedule(() -> resumeWhenPaid(timer), nanos, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (RuntimeException ex) {
			// the session closed meanwhile, or the timer is shut down
			logger.debug("WAMP session " + this.session.getId() + ": read not suspended", ex);
			resume();
			return false;
		}
	}

	private void resumeWhenPaid(ScheduledExecutorService timer) {
		long owed = this.session.publishBudget().owed(System.nanoTime());
		if (owed > 0 && !this.session.isClosed()) {
			// publishes made by its calls meanwhile went on the bill
			try {
				timer.schedule(() -> resumeWhenPaid(timer), owed, TimeUnit.NANOSECONDS);
				return;
			}
			catch (RuntimeException ex) {
				logger.debug("WAMP session " + this.session.getId() + ": resumed early", ex);
			}
		}
		resume();
	}

	private void resume() {
		synchronized (this) {
			this.suspended = false;
		}
		ReadSuspension suspension = this.suspension;
		if (suspension != null && !this.session.isClosed()) {
			try {
				suspension.resumeReading();
			}
			catch (RuntimeException ex) {
				logger.debug("WAMP session " + this.session.getId() + ": resume failed", ex);
			}
		}
	}

}
