package io.pubsubclub.support;

import java.util.function.BiConsumer;

import org.springframework.web.socket.WebSocketSession;

/**
 * A WebSocket session whose transport queues outbound frames itself, within limits of its
 * own, so that no {@link OutboundBuffer} is needed on top of it.
 *
 * @author PubSubClub
 */
public interface FrameSenderSource {

	/**
	 * Return the session's sender.
	 * @param onOverflow told once, when the session is cut off for being too slow
	 * @return the sender
	 */
	FrameSender frameSender(BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow);

}
