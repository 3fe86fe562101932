package io.pubsubclub.cluster;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * This node as a member of the cluster: its id, where its cluster server listens, a
 * snapshot of its links, and a way to reconnect them. The entry point for operations
 * (actuator) and peer sources (discovery).
 *
 * @author PubSubClub
 */
public final class ClusterNode {

	private final ClusterLinks links;

	private final @Nullable ClusterPeers peers;

	private final Supplier<@Nullable InetSocketAddress> serverAddress;

	/**
	 * Create the node.
	 * @param links the node's links
	 * @param peers the dialled servers, {@code null} when no role is in client mode
	 * @param serverAddress supplies the cluster server's bound address, or {@code null}
	 */
	public ClusterNode(ClusterLinks links, @Nullable ClusterPeers peers,
			Supplier<@Nullable InetSocketAddress> serverAddress) {
		this.links = links;
		this.peers = peers;
		this.serverAddress = serverAddress;
		links.serverAddress(serverAddress);
	}

	/**
	 * Return this node's id, sent to consumers in 102.
	 * @return the node id
	 */
	public long nodeId() {
		return this.links.nodeId();
	}

	/**
	 * Return the address the cluster server is bound to.
	 * @return the bound address, or {@code null} when no role serves or it is not
	 * started
	 */
	public @Nullable InetSocketAddress serverAddress() {
		return this.serverAddress.get();
	}

	/**
	 * Return the port the cluster server is bound to.
	 * @return the bound port, or {@code null} when no role serves or it is not started
	 */
	public @Nullable Integer serverPort() {
		InetSocketAddress address = serverAddress();
		return (address != null) ? address.getPort() : null;
	}

	/**
	 * Return the servers the role(s) in client mode dial.
	 * @return the peers, or {@code null} when no role is in client mode
	 */
	public @Nullable ClusterPeers peers() {
		return this.peers;
	}

	/**
	 * Take a snapshot of the cluster as this node sees it.
	 * @return the state
	 */
	public ClusterState state() {
		return this.links.state();
	}

	/**
	 * Return the cluster-wide counters, without the cost of a {@link #state() snapshot}
	 * of every link.
	 * @return the counters
	 */
	public ClusterState.Totals totals() {
		return this.links.totals();
	}

	/**
	 * Close the links to one dialled server and dial it again at once.
	 * @param server the server
	 * @return whether the server is dialled by this node
	 */
	public boolean reconnect(PeerAddress server) {
		return this.peers != null && this.peers.reconnect(server);
	}

	/**
	 * Close every dialled link and dial again at once.
	 */
	public void reconnectAll() {
		if (this.peers != null) {
			this.peers.reconnectAll();
		}
	}

}
