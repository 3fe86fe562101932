package io.pubsubclub.discovery;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Tells this node's own instance in the registry from other nodes that announce the same
 * node id (a shared configuration giving every replica one id): its own instance also
 * announces this node's cluster port, at an IP address of this host. Anything less is
 * dialled, and the link handshake, which knows this process by a random token, decides.
 *
 * @author PubSubClub
 */
final class OwnInstance {

	private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]?");

	private final LocalNode node;

	OwnInstance(LocalNode node) {
		this.node = node;
	}

	long nodeId() {
		return this.node.nodeId();
	}

	boolean announcesOurId(DiscoveredPeer peer) {
		Long id = peer.nodeId();
		return id != null && id == this.node.nodeId();
	}

	boolean isThisNode(DiscoveredPeer peer) {
		Integer port = this.node.clusterPort();
		return announcesOurId(peer) && port != null && port == peer.port() && isLocalAddress(peer.host());
	}

	// host names are not looked up here: this runs on every refresh
	static boolean isLocalAddress(String host) {
		if (!IP_LITERAL.matcher(host).matches()) {
			return false;
		}
		String literal = (host.startsWith("[") && host.endsWith("]")) ? host.substring(1, host.length() - 1) : host;
		try {
			InetAddress address = InetAddress.getByName(literal);
			return address.isLoopbackAddress() || address.isAnyLocalAddress()
					|| NetworkInterface.getByInetAddress(address) != null;
		}
		catch (UnknownHostException | SocketException ex) {
			return false;
		}
	}

	static @Nullable OwnInstance of(@Nullable LocalNode node) {
		return (node != null) ? new OwnInstance(node) : null;
	}

}
