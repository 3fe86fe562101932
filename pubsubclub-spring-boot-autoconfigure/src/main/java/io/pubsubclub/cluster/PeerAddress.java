package io.pubsubclub.cluster;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

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

	private static final Pattern HOST_NAME = Pattern
		.compile("(?=.{1,253}$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
				+ "(?:\\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

	private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

	private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

	public PeerAddress {
		Assert.hasText(host, "'host' must not be empty");
		Assert.isTrue(port > 0 && port <= 65535, () -> "'port' must be in 1..65535 but was " + port);
	}

	/**
	 * Parse {@code host:port} or {@code [ipv6]:port}. The host is a DNS name (letters,
	 * digits, hyphens and underscores in dot-separated labels; an international name in
	 * its ASCII form), an IPv4 address, or an IPv6 address in brackets (without a zone);
	 * the port is 1 to 65535 in decimal digits. Anything else, such as a path, user info
	 * or a space, is refused rather than dialled as something else.
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
				throw new IllegalArgumentException("'" + value + "' is not [ipv6]:port");
			}
			host = value.substring(1, close);
			port = value.substring(close + 2);
			if (!isIpv6(host)) {
				throw new IllegalArgumentException("'" + value + "' has no IPv6 address in its brackets");
			}
		}
		else {
			int colon = value.lastIndexOf(':');
			if (colon < 1 || value.indexOf(':') != colon) {
				throw new IllegalArgumentException("'" + value + "' is not host:port");
			}
			host = value.substring(0, colon);
			port = value.substring(colon + 1);
			if (!HOST_NAME.matcher(host).matches()) {
				throw new IllegalArgumentException("'" + value + "' has no valid host name or IPv4 address (letters,"
						+ " digits, '-' and '_' in labels separated by dots)");
			}
		}
		if (!PORT.matcher(port).matches()) {
			throw new IllegalArgumentException("'" + value + "' has no valid port (1..65535)");
		}
		int number = Integer.parseInt(port);
		if (number < 1 || number > 65535) {
			throw new IllegalArgumentException("'" + value + "' has a port outside 1..65535");
		}
		return new PeerAddress(host, number);
	}

	// no zone ("%eth0"): it would not survive the ws:// URI the link is dialled with
	private static boolean isIpv6(String address) {
		if (!IPV6_CHARS.matcher(address).matches() || address.indexOf(':') < 0) {
			return false;
		}
		try {
			// a literal: no lookup happens
			return InetAddress.getByName(address) instanceof Inet6Address;
		}
		catch (UnknownHostException ex) {
			return false;
		}
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
