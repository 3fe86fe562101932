package io.pubsubclub.cluster;

import java.util.List;

/**
 * A PSC protocol version, {@code [major, minor]} on the wire.
 *
 * @param major major version
 * @param minor minor version
 * @author PubSubClub
 */
public record ProtocolVersion(int major, int minor) implements Comparable<ProtocolVersion> {

	/** Version 1.0: 102 carries no node id. */
	public static final ProtocolVersion V1_0 = new ProtocolVersion(1, 0);

	/** Version 1.1: 102 carries the producer's node id. */
	public static final ProtocolVersion V1_1 = new ProtocolVersion(1, 1);

	/**
	 * Version 1.2: 102 carries the producer's epoch, 301 a sequence number and the WAMP
	 * sessions a publish names; a consumer resumes a dropped link with 203/204.
	 */
	public static final ProtocolVersion V1_2 = new ProtocolVersion(1, 2);

	/** Versions this implementation speaks, lowest first. */
	public static final List<ProtocolVersion> SUPPORTED = List.of(V1_0, V1_1, V1_2);

	@Override
	public int compareTo(ProtocolVersion other) {
		return (this.major != other.major) ? Integer.compare(this.major, other.major)
				: Integer.compare(this.minor, other.minor);
	}

	boolean carriesNodeId() {
		return compareTo(V1_1) >= 0;
	}

	boolean resumable() {
		return compareTo(V1_2) >= 0;
	}

	@Override
	public String toString() {
		return this.major + "." + this.minor;
	}

}
