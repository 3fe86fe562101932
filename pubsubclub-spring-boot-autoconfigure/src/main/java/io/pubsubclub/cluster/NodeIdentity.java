package io.pubsubclub.cluster;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Who this process is on the cluster, as the {@value #HEADER} upgrade header tells it to
 * the far side: a random token drawn at start, which no other process has, and the node
 * id. The dialling side sends it as a request header (with the cluster port it serves, if
 * any); the accepting side answers with it in its 101 response. A link whose far token is
 * this process's own leads back to itself; a far node id equal to this node's, under
 * another token, is another node configured with the same id.
 * <p>
 * The header is extra: Python nodes neither send nor read it, and nothing in the frames
 * changes.
 *
 * @author PubSubClub
 */
public final class NodeIdentity {

	/** Upgrade request and response header naming the node at each end of a link. */
	public static final String HEADER = "PubSubClub-Node";

	private static final String VERSION = "v1";

	private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,64}");

	private static final SecureRandom random = new SecureRandom();

	private final String token;

	private final long nodeId;

	/**
	 * Draw the identity of this process.
	 * @param nodeId the configured (or random) node id
	 */
	public NodeIdentity(long nodeId) {
		byte[] bytes = new byte[16];
		random.nextBytes(bytes);
		this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
		this.nodeId = nodeId;
	}

	/**
	 * Return the random token of this process.
	 * @return the token
	 */
	public String token() {
		return this.token;
	}

	/**
	 * Return the node id.
	 * @return the node id
	 */
	public long nodeId() {
		return this.nodeId;
	}

	/**
	 * Return the header value a dialling side sends.
	 * @param clusterPort the port this node's cluster server is bound to, if any
	 * @return {@code v1 token=… node=… [port=…]}
	 */
	public String requestHeader(@Nullable Integer clusterPort) {
		return responseHeader() + ((clusterPort != null && clusterPort > 0) ? " port=" + clusterPort : "");
	}

	/**
	 * Return the header value an accepting side answers with.
	 * @return {@code v1 token=… node=…}
	 */
	public String responseHeader() {
		return VERSION + " token=" + this.token + " node=" + this.nodeId;
	}

	/**
	 * Return whether the far side is this very process.
	 * @param far the far side, if it told
	 * @return whether its token is this process's
	 */
	public boolean isSelf(@Nullable FarNode far) {
		return far != null && this.token.equals(far.token());
	}

	/**
	 * Read a {@value #HEADER} value. Keys it does not know are skipped, so that later
	 * versions may add some.
	 * @param value the header value, if present
	 * @return the far node, or {@code null} when absent or malformed
	 */
	public static @Nullable FarNode parse(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String[] parts = value.strip().split(" +");
		if (parts.length < 3 || !VERSION.equals(parts[0])) {
			return null;
		}
		String token = null;
		Long nodeId = null;
		Integer port = null;
		try {
			for (int i = 1; i < parts.length; i++) {
				String part = parts[i];
				if (part.startsWith("token=")) {
					token = part.substring(6);
				}
				else if (part.startsWith("node=")) {
					nodeId = Long.parseLong(part.substring(5));
				}
				else if (part.startsWith("port=")) {
					port = Integer.parseInt(part.substring(5));
				}
			}
		}
		catch (NumberFormatException ex) {
			return null;
		}
		if (token == null || !TOKEN.matcher(token).matches() || nodeId == null || nodeId < 0
				|| (port != null && (port < 1 || port > 65535))) {
			return null;
		}
		return new FarNode(token, nodeId, port);
	}

	/**
	 * The node at the far end of a link, as its {@value #HEADER} header told.
	 *
	 * @param token the far process's random token
	 * @param nodeId the far node's id
	 * @param clusterPort the port the far node's cluster server is bound to, when the far
	 * side dialled and serves one
	 */
	public record FarNode(String token, long nodeId, @Nullable Integer clusterPort) {
	}

}
