package io.pubsubclub.cluster.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.cluster.LinkChannel;
import io.pubsubclub.support.OutboundBuffer;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A link's WebSocket session, written through its {@link OutboundBuffer} (a session of
 * Tomcat's JSR-356 implementation: dialled links) or through the sender of the starter's
 * own transport, counted by {@link SentFrames} (accepted links).
 *
 * @author PubSubClub
 */
final class SessionChannel implements LinkChannel {

	private static final Log logger = LogFactory.getLog(SessionChannel.class);

	private final WebSocketSession session;

	private final Predicate<String> sender;

	private final LongSupplier queued;

	private final Executor closer;

	private final long bufferLimit;

	SessionChannel(WebSocketSession session, OutboundBuffer buffer, Executor closer, long bufferLimit) {
		this(session, buffer::send, buffer::queued, closer, bufferLimit);
	}

	SessionChannel(WebSocketSession session, SentFrames frames, Executor closer, long bufferLimit) {
		this(session, frames::send, frames::queued, closer, bufferLimit);
	}

	private SessionChannel(WebSocketSession session, Predicate<String> sender, LongSupplier queued, Executor closer,
			long bufferLimit) {
		this.session = session;
		this.sender = sender;
		this.queued = queued;
		this.closer = closer;
		this.bufferLimit = bufferLimit;
	}

	@Override
	public long queued() {
		return this.queued.getAsLong();
	}

	@Override
	public long bufferLimit() {
		return this.bufferLimit;
	}

	@Override
	public boolean send(String frame) {
		return this.sender.test(frame);
	}

	// a close frame's reason holds at most 123 bytes of UTF-8
	static String truncate(String reason) {
		if (reason.getBytes(StandardCharsets.UTF_8).length <= 123) {
			return reason;
		}
		StringBuilder truncated = new StringBuilder();
		int bytes = 0;
		for (int i = 0; i < reason.length(); i = reason.offsetByCodePoints(i, 1)) {
			String codePoint = new String(Character.toChars(reason.codePointAt(i)));
			bytes += codePoint.getBytes(StandardCharsets.UTF_8).length;
			if (bytes > 120) {
				break;
			}
			truncated.append(codePoint);
		}
		return truncated.append("...").toString();
	}

	// off the caller's thread (a timer, a container I/O thread): a close may wait on a
	// send, and Tomcat runs the close callbacks inline
	@Override
	public void close(int code, String reason) {
		this.closer.execute(() -> closeNow(code, reason));
	}

	private void closeNow(int code, String reason) {
		try {
			this.session.close(new CloseStatus(code, truncate(reason)));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Close of cluster session " + this.session.getId() + " failed", ex);
		}
	}

}
