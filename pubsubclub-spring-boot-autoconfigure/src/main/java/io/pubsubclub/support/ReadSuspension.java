package io.pubsubclub.support;

/**
 * A WebSocket session whose transport can stop reading its socket for a while, so that a
 * client that sends too fast is held back by its own TCP window.
 *
 * @author PubSubClub
 */
public interface ReadSuspension {

	/**
	 * Stop reading once the frames already read are handled.
	 */
	void suspendReading();

	/**
	 * Read again.
	 */
	void resumeReading();

}
