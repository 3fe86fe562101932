package io.pubsubclub.autoconfigure;

import java.util.Set;

import io.pubsubclub.cluster.ClusterPeers;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.discovery.DiscoveredPeer;
import io.pubsubclub.discovery.PeerRegistrar;

/**
 * Hands discovered peers to the cluster's client connector. A server that is also in the
 * static {@code pubsubclub.peers} stays dialled when it leaves the registry.
 *
 * @author PubSubClub
 */
final class ClusterPeerRegistrar implements PeerRegistrar {

	private final ClusterPeers peers;

	private final Set<PeerAddress> staticPeers;

	ClusterPeerRegistrar(ClusterPeers peers, Set<PeerAddress> staticPeers) {
		this.peers = peers;
		this.staticPeers = Set.copyOf(staticPeers);
	}

	@Override
	public void add(DiscoveredPeer peer) {
		this.peers.add(address(peer));
	}

	@Override
	public void remove(DiscoveredPeer peer) {
		PeerAddress address = address(peer);
		if (!this.staticPeers.contains(address)) {
			this.peers.remove(address);
		}
	}

	@Override
	public void seen(DiscoveredPeer peer) {
		this.peers.seen(address(peer));
	}

	private static PeerAddress address(DiscoveredPeer peer) {
		String host = peer.host();
		// a registry may hand out an IPv6 literal in brackets; PeerAddress wants it bare
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		return new PeerAddress(host, peer.port());
	}

}
