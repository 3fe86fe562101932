package io.pubsubclub.benchmarks.relay;

import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * A session whose frames are relayed as they are.
 */
final class InboundHandler extends TextWebSocketHandler {

	private final Relay relay;

	InboundHandler(Relay relay) {
		this.relay = relay;
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		this.relay.forward(message.getPayload());
	}

}
