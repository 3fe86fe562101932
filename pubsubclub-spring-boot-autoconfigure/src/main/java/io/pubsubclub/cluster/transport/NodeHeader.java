package io.pubsubclub.cluster.transport;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The {@value #NAME} upgrade header a dialling node of this implementation sends: its
 * node id and the cluster port it serves, if any, as {@code node=<id> port=<port>}. The
 * accepting side learns from it that the peer is alive and where it serves, so that a
 * link it dials toward that peer stops waiting out its back-off. A Python peer sends no
 * such header and ignores it.
 * <p>
 * The minimal fields resume needs; the identity header of the {@code ops} work carries
 * more (a per-process token) and replaces this class when both land. Unknown
 * {@code key=value} fields are ignored, so that either side reads the other's header.
 *
 * @param nodeId the dialling node's id
 * @param clusterPort the cluster port it serves, {@code null} when no role serves
 * @author PubSubClub
 */
record NodeHeader(long nodeId, @Nullable Integer clusterPort) {

	/** The header's name. */
	static final String NAME = "PubSubClub-Node";

	String value() {
		return "node=" + this.nodeId + ((this.clusterPort != null) ? " port=" + this.clusterPort : "");
	}

	/**
	 * Read the header.
	 * @param value the header value, if present
	 * @return the header, or {@code null} when absent or without a valid node id
	 */
	static @Nullable NodeHeader parse(@Nullable String value) {
		if (value == null || value.length() > 512) {
			return null;
		}
		Long nodeId = null;
		Integer port = null;
		for (String field : value.trim().split("\\s+")) {
			int equals = field.indexOf('=');
			if (equals <= 0) {
				continue;
			}
			String key = field.substring(0, equals).toLowerCase(Locale.ROOT);
			String text = field.substring(equals + 1);
			try {
				if (key.equals("node")) {
					nodeId = Long.parseLong(text);
				}
				else if (key.equals("port")) {
					int parsed = Integer.parseInt(text);
					port = (parsed > 0 && parsed <= 65535) ? parsed : null;
				}
			}
			catch (NumberFormatException ex) {
				// a field this node cannot read tells it nothing
			}
		}
		return (nodeId != null && nodeId >= 0) ? new NodeHeader(nodeId, port) : null;
	}

}
