package io.pubsubclub.cluster.transport;

import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * How this node's cluster links are secured: the {@link LinkAuthenticator} that signs and
 * checks the upgrade when a secret is set, TLS on the cluster port ({@link ServerTls}) and
 * on dialled links ({@link LinkTls}). Each part is optional; {@link #none()} is a plain
 * node that accepts anyone, as a Python node does.
 *
 * @author PubSubClub
 */
public final class LinkSecurity {

	private static final LinkSecurity NONE = new LinkSecurity(null, null, null);

	private final @Nullable LinkAuthenticator authenticator;

	private final @Nullable ServerTls serverTls;

	private final @Nullable LinkTls linkTls;

	/**
	 * Create the security settings of the links.
	 * @param authenticator signs and checks the upgrade, {@code null} without a secret
	 * @param serverTls TLS on the cluster port, {@code null} for plain text
	 * @param linkTls TLS on dialled links, {@code null} for plain text
	 */
	public LinkSecurity(@Nullable LinkAuthenticator authenticator, @Nullable ServerTls serverTls,
			@Nullable LinkTls linkTls) {
		this.authenticator = authenticator;
		this.serverTls = serverTls;
		this.linkTls = linkTls;
	}

	/**
	 * Return the settings of a node without a secret or TLS.
	 * @return plain links
	 */
	public static LinkSecurity none() {
		return NONE;
	}

	/**
	 * Return what signs and checks the upgrade.
	 * @return the authenticator, {@code null} without a secret
	 */
	public @Nullable LinkAuthenticator authenticator() {
		return this.authenticator;
	}

	/**
	 * Return the TLS settings of the cluster port.
	 * @return the settings, {@code null} for plain text
	 */
	public @Nullable ServerTls serverTls() {
		return this.serverTls;
	}

	/**
	 * Return the TLS settings of dialled links.
	 * @return the settings, {@code null} for plain text
	 */
	public @Nullable LinkTls linkTls() {
		return this.linkTls;
	}

	/**
	 * Describe the settings and the refusals so far, without any secret.
	 * @return the state
	 */
	public State state() {
		LinkAuthenticator authenticator = this.authenticator;
		ServerTls serverTls = this.serverTls;
		LinkTls linkTls = this.linkTls;
		return new State(authenticator != null, (authenticator != null) ? authenticator.acceptedSecretCount() : 0,
				(serverTls != null) ? serverTls.bundleName() : null,
				(serverTls != null) ? serverTls.clientAuth().name().toLowerCase(Locale.ROOT) : null,
				(linkTls != null) ? linkTls.bundleName() : null,
				((serverTls != null) ? serverTls.reloads() : 0) + ((linkTls != null) ? linkTls.reloads() : 0),
				(authenticator != null) ? authenticator.refusals() : Map.of());
	}

	@Override
	public String toString() {
		return "LinkSecurity[" + this.authenticator + ", " + this.serverTls + ", " + this.linkTls + "]";
	}

	/**
	 * How the links are secured, for operations.
	 *
	 * @param authenticated whether links are authenticated with a secret
	 * @param acceptedSecrets how many secrets are accepted, this node's own included
	 * @param serverSslBundle the SSL bundle serving the cluster port, {@code null} for
	 * plain text
	 * @param clientAuth whether dialling nodes are asked for a certificate ({@code none},
	 * {@code want}, {@code need}), {@code null} for plain text
	 * @param linkSslBundle the SSL bundle dialled links use, {@code null} for plain text
	 * @param bundleReloads how many times those bundles were reloaded
	 * @param refusals links refused, by reason
	 */
	public record State(boolean authenticated, int acceptedSecrets, @Nullable String serverSslBundle,
			@Nullable String clientAuth, @Nullable String linkSslBundle, long bundleReloads,
			Map<String, Long> refusals) {
	}

}
