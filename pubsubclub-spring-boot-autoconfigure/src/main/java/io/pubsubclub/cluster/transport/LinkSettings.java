package io.pubsubclub.cluster.transport;

import java.time.Duration;

/**
 * Settings shared by every cluster link.
 *
 * @param maxMessageSize largest incoming frame, in characters
 * @param sendBufferSize most outbound data that may wait for one link: bytes of frames on
 * the starter's transports (every dialled link, and accepted links on the starter's
 * server transport), characters on a JSR-356 session
 * @param sendTimeLimit longest time one frame may take to be sent
 * @param pingInterval interval between pings on the client side of a link
 * @param reconnectDelay delay before the first reconnect attempt
 * @param maxReconnectDelay longest delay between reconnect attempts
 * @param handshakeTimeout longest time the WebSocket opening and PSC handshake may take
 * @author PubSubClub
 */
public record LinkSettings(int maxMessageSize, long sendBufferSize, Duration sendTimeLimit, Duration pingInterval,
		Duration reconnectDelay, Duration maxReconnectDelay, Duration handshakeTimeout) {

}
