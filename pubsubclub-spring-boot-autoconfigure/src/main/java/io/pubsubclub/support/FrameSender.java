package io.pubsubclub.support;

/**
 * A bounded, non-blocking outbound queue of text frames for one WebSocket session. A
 * sender that cannot keep up is cut off (closed with {@link OutboundBuffer#SLOW_CONSUMER})
 * and its owner told why, rather than allowed to stall the sending thread.
 *
 * @author PubSubClub
 */
public interface FrameSender {

	/**
	 * Queue a text frame. Never blocks.
	 * @param frame the frame text
	 * @return {@code false} if the frame was not queued because the session is closed or
	 * was just cut off for being too slow
	 */
	boolean send(String frame);

	/**
	 * Queue a text frame built once for many sessions. Never blocks.
	 * @param frame the frame
	 * @return {@code false} if the frame was not queued because the session is closed or
	 * was just cut off for being too slow
	 */
	default boolean send(TextFrame frame) {
		return send(frame.text());
	}

	/**
	 * Stop sending; frames still queued are dropped. Called when the session closed.
	 */
	void close();

	/**
	 * Return the number of frames handed to the network so far.
	 * @return the frames sent
	 */
	long framesSent();

}
