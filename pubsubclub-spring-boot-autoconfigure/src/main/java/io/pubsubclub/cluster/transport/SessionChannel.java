package io.pubsubclub.cluster.transport;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.pubsubclub.cluster.LinkChannel;
import io.pubsubclub.support.OutboundBuffer;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * A link's WebSocket session, written through its {@link OutboundBuffer}.
 *
 * @author PubSubClub
 */
final class SessionChannel implements LinkChannel {

	private static final Log logger = LogFactory.getLog(SessionChannel.class);

	private final WebSocketSession session;

	private final OutboundBuffer buffer;

	SessionChannel(WebSocketSession session, OutboundBuffer buffer) {
		this.session = session;
		this.buffer = buffer;
	}

	@Override
	public boolean send(String frame) {
		return this.buffer.send(frame);
	}

	@Override
	public void close(int code, String reason) {
		try {
			this.session.close(new CloseStatus(code, reason));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Close of cluster session " + this.session.getId() + " failed", ex);
		}
	}

}
