package io.pubsubclub.benchmarks.relay;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A subscriber's session: receives everything, what it sends is ignored.
 */
final class SubscriberHandler extends TextWebSocketHandler {

	private final Fanout fanout;

	SubscriberHandler(Fanout fanout) {
		this.fanout = fanout;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		this.fanout.add(session);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.fanout.remove(session);
	}

}
