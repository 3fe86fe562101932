package io.pubsubclub.cluster;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One server that the client connector dials for one role, as {@link ClusterLinks} sees
 * it: for the links it opens, and for the state snapshot while it has no link open.
 * Implemented by the transport.
 *
 * @author PubSubClub
 */
public interface DialledServer {

	/**
	 * Return the server's address.
	 * @return the address
	 */
	PeerAddress server();

	/**
	 * Return the role this node plays on links to the server.
	 * @return the local role
	 */
	ClusterState.Role role();

	/**
	 * Return the dialling state while no link is open: connecting or backing off.
	 * @return the state
	 */
	ClusterState.Status status();

	/**
	 * Return when the next attempt is due, when backing off.
	 * @return the time of the next attempt
	 */
	@Nullable Instant nextAttempt();

	/**
	 * Return the number of attempts made since the server was added.
	 * @return the attempts
	 */
	long attempts();

	/**
	 * Return the last failure or close reason.
	 * @return the last error, if any
	 */
	@Nullable String lastError();

	/**
	 * Called when a link to the server completed its handshake, so that its back-off
	 * starts afresh.
	 */
	void linkReady();

	/**
	 * Called when the link that made this server's last link a duplicate went away, so
	 * that this server is dialled again at once.
	 */
	default void duplicateReleased() {
	}

}
