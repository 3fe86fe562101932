package io.pubsubclub.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port for a node that a test stops and starts again on the same port. A port
 * the kernel handed out for {@code port=0} lies in its ephemeral range, which it also
 * hands to every outgoing connection on the machine: once the node releases it, any
 * process's next connection may take it and the restart fails with "address in use". A
 * port below that range (read from {@code /proc/sys/net/ipv4/ip_local_port_range}) is never
 * handed out by the kernel, so only a process that names it can take it; this one is
 * chosen at random among some ten thousand and found free by binding it once.
 * <p>
 * Bounded: at most 200 tries, then an error naming the range.
 */
public final class StablePort {

	private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

	private StablePort() {
	}

	/**
	 * Return a free loopback port outside the kernel's ephemeral range.
	 * @return the port
	 */
	public static int pick() {
		int[] ephemeral = ephemeralRange();
		// below the range when there is room, else above it
		int low = (ephemeral[0] > 11_024) ? 10_000 : ephemeral[1] + 1;
		int high = (ephemeral[0] > 11_024) ? ephemeral[0] - 1 : 65_535;
		if (high - low < 1000) {
			throw new IllegalStateException("No room for test ports outside the ephemeral range " + ephemeral[0] + "-"
					+ ephemeral[1] + " (" + RANGE + ")");
		}
		for (int i = 0; i < 200; i++) {
			int port = ThreadLocalRandom.current().nextInt(low, high + 1);
			if (free(port)) {
				return port;
			}
		}
		throw new IllegalStateException("No free loopback port in " + low + "-" + high + " after 200 tries");
	}

	/** Whether the port is in the kernel's ephemeral range (what {@code port=0} hands out). */
	static boolean ephemeral(int port) {
		int[] range = ephemeralRange();
		return port >= range[0] && port <= range[1];
	}

	private static int[] ephemeralRange() {
		// a line reader: Files.readString reads /proc's files (size 0) short on JDK 17
		try (BufferedReader reader = Files.newBufferedReader(RANGE)) {
			String line = reader.readLine();
			String[] parts = (line != null) ? line.trim().split("\\s+") : new String[0];
			if (parts.length != 2) {
				throw new IllegalStateException("Unreadable " + RANGE + ": " + line);
			}
			return new int[] { Integer.parseInt(parts[0]), Integer.parseInt(parts[1]) };
		}
		catch (IOException ex) {
			// not Linux: the IANA dynamic range, which most other systems use
			return new int[] { 49_152, 65_535 };
		}
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
