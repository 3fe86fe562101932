package io.pubsubclub.wamp;

import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Whole text messages from the parts the container hands over, for either WAMP version:
 * a message that came in one part is passed on as it is (no copy); parts are appended to
 * the session's own builder until the last one. A message, or the parts of one so far,
 * longer than {@code maxMessageSize} characters is dropped and its session closed with
 * 1009 (logged once per session, counted as {@link BadFrame#TOO_BIG}): no builder ever
 * grows past that bound.
 * <p>
 * On Tomcat every session's text buffer is made {@link #TOMCAT_TEXT_BUFFER_SIZE}
 * characters ({@link #smallTextBuffer}): a longer message reaches this class in parts.
 *
 * @author PubSubClub
 */
final class WampTextAssembler {

	/**
	 * Characters of Tomcat's per-session text message buffer (4 KB of heap). WAMP client
	 * messages (SUBSCRIBE, CALL, most PUBLISHes) are far shorter; a longer one arrives in
	 * parts and costs one copy, against 12 KB saved on every session.
	 */
	static final int TOMCAT_TEXT_BUFFER_SIZE = 2048;

	private static final String TOMCAT_PACKAGE = "org.apache.tomcat.websocket.";

	private static final Log logger = LogFactory.getLog(WampWebSocketHandler.class);

	private final WampServerMetrics metrics;

	private final BiConsumer<WampServerSession, String> whole;

	private final BiConsumer<WampServerSession, CloseStatus> closer;

	private volatile int maxMessageSize = 64 * 1024;

	/**
	 * @param metrics where a message over the limit is counted
	 * @param whole what receives each whole message
	 * @param closer what closes a session
	 */
	WampTextAssembler(WampServerMetrics metrics, BiConsumer<WampServerSession, String> whole,
			BiConsumer<WampServerSession, CloseStatus> closer) {
		this.metrics = metrics;
		this.whole = whole;
		this.closer = closer;
	}

	void setMaxMessageSize(int maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	int getMaxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * Give a Tomcat session a text message buffer of {@link #TOMCAT_TEXT_BUFFER_SIZE}
	 * characters instead of the container default (8 K characters, 16 KB of heap). Tomcat
	 * allocated the default when the session opened and replaces it when the next text
	 * message starts, so every session that sends anything keeps the small one. Only for
	 * Tomcat, where the size is a buffer (a longer message comes in parts): elsewhere, as
	 * in Jetty, it is a limit on the whole message. The binary buffer is left alone: Tomcat
	 * replaces it only when a binary message starts, which closes the session anyway.
	 */
	static void smallTextBuffer(WebSocketSession webSocket) {
		jakarta.websocket.Session nativeSession = (webSocket instanceof NativeWebSocketSession nws)
				? nws.getNativeSession(jakarta.websocket.Session.class) : null;
		if (nativeSession != null && nativeSession.getClass().getName().startsWith(TOMCAT_PACKAGE)
				&& nativeSession.getMaxTextMessageBufferSize() > TOMCAT_TEXT_BUFFER_SIZE) {
			nativeSession.setMaxTextMessageBufferSize(TOMCAT_TEXT_BUFFER_SIZE);
		}
	}

	/** One part (or the whole) of a text message of the session. */
	void part(WampServerSession session, TextMessage part) {
		StringBuilder parts = session.partialText();
		if (parts == null && part.isLast()) {
			// the common case, a message that fits the container's buffer: no copy
			complete(session, part.getPayload());
			return;
		}
		String payload = part.getPayload();
		int length = ((parts != null) ? parts.length() : 0) + payload.length();
		if (length > this.maxMessageSize) {
			session.partialText(null);
			tooBig(session, (part.isLast() ? "" : "at least ") + length);
			return;
		}
		if (parts == null) {
			parts = new StringBuilder(Math.min(this.maxMessageSize, 2 * payload.length()));
			session.partialText(parts);
		}
		parts.append(payload);
		if (part.isLast()) {
			session.partialText(null);
			complete(session, parts.toString());
		}
	}

	/**
	 * Count and log a close with 1009 that the container made (one that enforces a size
	 * limit of its own).
	 */
	void closedAsTooBig(WampServerSession session) {
		if (session.countClose()) {
			this.metrics.badFrame(BadFrame.TOO_BIG);
			logger.info("WAMP session " + session.getId() + ": message over " + this.maxMessageSize
					+ " characters, closed with 1009");
		}
	}

	private void complete(WampServerSession session, String payload) {
		if (payload.length() > this.maxMessageSize) {
			tooBig(session, String.valueOf(payload.length()));
			return;
		}
		this.whole.accept(session, payload);
	}

	private void tooBig(WampServerSession session, String length) {
		if (session.countClose()) {
			this.metrics.badFrame(BadFrame.TOO_BIG);
			logger.info("WAMP session " + session.getId() + ": message of " + length + " characters over "
					+ this.maxMessageSize + ", closing with 1009");
		}
		this.closer.accept(session, CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
	}

}
