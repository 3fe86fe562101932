package io.pubsubclub.cluster;

import java.util.Set;

/**
 * The cluster servers that the role(s) in client mode dial. Adding a server dials it at
 * once; removing one closes its links and stops retrying it. Used by peer sources such as
 * the static list and discovery.
 *
 * @author PubSubClub
 */
public interface ClusterPeers {

	/**
	 * Start dialling a server (no-op if it is already known).
	 * @param server the server address
	 */
	void add(PeerAddress server);

	/**
	 * Stop dialling a server and close its links (no-op if it is unknown).
	 * @param server the server address
	 */
	void remove(PeerAddress server);

	/**
	 * Return the servers currently dialled, self-links excluded.
	 * @return a snapshot of the servers
	 */
	Set<PeerAddress> servers();

	/**
	 * Close the links to one server, if any, and dial it again at once.
	 * @param server the server address
	 * @return whether the server is known
	 */
	boolean reconnect(PeerAddress server);

	/**
	 * Close every dialled link and dial again at once.
	 */
	void reconnectAll();

	/**
	 * Tell that a known server was heard to be alive: a link to it that is waiting out
	 * its back-off dials now (no sooner than the reconnect delay after its last attempt).
	 * @param server the server address
	 */
	default void seen(PeerAddress server) {
	}

}
