package io.pubsubclub.discovery;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A cluster server found through discovery: where to dial it and, when it announced
 * one, its node id.
 *
 * @author PubSubClub
 */
public final class DiscoveredPeer {

	private final String host;

	private final int port;

	private final @Nullable Long nodeId;

	/**
	 * Create a peer.
	 * @param host host name or address of the peer's cluster server
	 * @param port port of the peer's cluster server
	 * @param nodeId node id the peer announced, or {@code null}
	 */
	public DiscoveredPeer(String host, int port, @Nullable Long nodeId) {
		Assert.hasText(host, "'host' must not be empty");
		Assert.isTrue(port > 0 && port <= 65535, () -> "'port' must be in [1, 65535], was " + port);
		this.host = host;
		this.port = port;
		this.nodeId = nodeId;
	}

	/**
	 * Host name or address of the peer's cluster server.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * Port of the peer's cluster server.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Node id the peer announced in its metadata.
	 * @return the node id, or {@code null} when it announced none
	 */
	public @Nullable Long nodeId() {
		return this.nodeId;
	}

	/**
	 * The peer's cluster server as {@code host:port}, bracketing an IPv6 literal. Two
	 * peers with the same address are the same server to dial.
	 * @return the address
	 */
	public String address() {
		return (this.host.indexOf(':') >= 0 && !this.host.startsWith("[")) ? "[" + this.host + "]:" + this.port
				: this.host + ":" + this.port;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		if (this == other) {
			return true;
		}
		return (other instanceof DiscoveredPeer that) && this.port == that.port && this.host.equals(that.host)
				&& Objects.equals(this.nodeId, that.nodeId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.host, this.port, this.nodeId);
	}

	@Override
	public String toString() {
		return address() + " (node id " + ((this.nodeId != null) ? this.nodeId : "unknown") + ")";
	}

}
