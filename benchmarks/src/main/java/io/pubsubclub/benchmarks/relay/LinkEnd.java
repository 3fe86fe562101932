package io.pubsubclub.benchmarks.relay;

import io.pubsubclub.support.OutboundBuffer;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * Relay A of the bare relay: relay B dials A's {@code /link}, and every frame from the
 * publisher is written on that one connection through an outbound buffer.
 * <p>
 * A serves the link rather than dials it so that the frames travel on the server side of
 * the connection, where Tomcat sets {@code TCP_NODELAY}; its WebSocket client does not,
 * and Nagle's algorithm would hold back frames written on it.
 */
final class LinkEnd extends TextWebSocketHandler implements Relay {

	private final Fanout fanout;

	private volatile OutboundBuffer link;

	private volatile WebSocketSession linkSession;

	LinkEnd(Fanout fanout) {
		this.fanout = fanout;
	}

	@Override
	public synchronized void afterConnectionEstablished(WebSocketSession session) {
		this.link = this.fanout.buffer(session, Fanout.LINK_BUFFER);
		this.linkSession = session;
	}

	@Override
	public synchronized void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		// a dial that B gave up on may close after a newer link opened: keep the newer one
		if (session != this.linkSession) {
			return;
		}
		OutboundBuffer link = this.link;
		if (link != null) {
			link.close();
		}
		this.link = null;
		this.linkSession = null;
	}

	@Override
	public void forward(String frame) {
		OutboundBuffer link = this.link;
		if (link != null) {
			link.send(frame);
		}
	}

}
