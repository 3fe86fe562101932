package io.pubsubclub.cluster;

/**
 * The socket under a {@link PeerLink}, as the link sees it. Implemented by the transport.
 *
 * @author PubSubClub
 */
public interface LinkChannel {

	/**
	 * Queue a text frame without blocking.
	 * @param frame the frame text
	 * @return whether the frame was queued
	 */
	boolean send(String frame);

	/**
	 * Close the connection.
	 * @param code the WebSocket close code
	 * @param reason the close reason
	 */
	void close(int code, String reason);

	/**
	 * Return how many characters wait to be sent.
	 * @return the queued characters
	 */
	default long queued() {
		return 0;
	}

	/**
	 * Return the most characters that may wait to be sent before the link is cut off.
	 * @return the send buffer's limit
	 */
	default long bufferLimit() {
		return Long.MAX_VALUE;
	}

}
