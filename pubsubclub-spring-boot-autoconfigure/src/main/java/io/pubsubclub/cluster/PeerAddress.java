package io.pubsubclub.cluster;

import java.net.URI;

import org.springframework.util.Assert;

/**
 * Address of a cluster server, as {@code host:port} ({@code [v6]:port} for an IPv6
 * literal).
 *
 * @param host host name or IP literal, without brackets
 * @param port TCP port
 * @author PubSubClub
 */
public record PeerAddress(String host, int port) {

	public PeerAddress {
		Assert.hasText(host, "'host' must not be empty");
		Assert.isTrue(port > 0 && port <= 65535, () -> "'port' must be in 1..65535 but was " + port);
	}

	/**
	 * Parse {@code host:port} or {@code [ipv6]:port}.
	 * @param text the address
	 * @return the parsed address
	 * @throws IllegalArgumentException if the text is not such an address
	 */
	public static PeerAddress parse(String text) {
		String value = text.strip();
		String host;
		String port;
		if (value.startsWith("[")) {
			int close = value.indexOf(']');
			if (close < 2 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
				throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
			}
			host = value.substring(1, close);
			port = value.substring(close + 2);
		}
		else {
			int colon = value.lastIndexOf(':');
			if (colon < 1 || value.indexOf(':') != colon) {
				throw new IllegalArgumentException("'" + text + "' is not host:port");
			}
			host = value.substring(0, colon);
			port = value.substring(colon + 1);
		}
		int number;
		try {
			number = Integer.parseInt(port);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("'" + text + "' has no valid port", ex);
		}
		if (number < 1 || number > 65535) {
			throw new IllegalArgumentException("'" + text + "' has a port outside 1..65535");
		}
		return new PeerAddress(host, number);
	}

	/**
	 * Return the URI of the cluster endpoint at this address.
	 * @return {@code ws://host:port/}
	 */
	public URI toUri() {
		return URI.create("ws://" + this + "/");
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
