package io.pubsubclub.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.transport.LinkAuthenticator;
import io.pubsubclub.cluster.transport.LinkSecurity;
import io.pubsubclub.cluster.transport.LinkTls;
import io.pubsubclub.cluster.transport.ServerTls;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * Builds a node's {@link LinkSecurity} from its properties, and fails start-up naming the
 * property when one is wrong. A secret is never part of a message: a bad one is described
 * by its length only.
 *
 * @author PubSubClub
 */
final class ClusterLinkSecurity {

	static final String SECRET = "pubsubclub.link.secret";

	static final String ACCEPTED_SECRETS = "pubsubclub.link.accepted-secrets";

	static final String SERVER_BUNDLE = "pubsubclub.server.ssl.bundle";

	static final String CLIENT_AUTH = "pubsubclub.server.ssl.client-auth";

	static final String LINK_BUNDLE = "pubsubclub.link.ssl.bundle";

	private ClusterLinkSecurity() {
	}

	static LinkSecurity create(PubSubClubProperties properties, long nodeId, @Nullable SslBundles bundles) {
		return new LinkSecurity(authenticator(properties, nodeId), serverTls(properties, bundles),
				linkTls(properties, bundles));
	}

	private static @Nullable LinkAuthenticator authenticator(PubSubClubProperties properties, long nodeId) {
		String secret = properties.getLink().getSecret();
		List<String> accepted = properties.getLink().getAcceptedSecrets();
		if (secret == null) {
			if (!accepted.isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(ACCEPTED_SECRETS, hidden(accepted.size()),
						"Accepted secrets need " + SECRET + ", the secret this node signs with.");
			}
			return null;
		}
		if (!LinkAuthenticator.isLongEnough(secret)) {
			throw new InvalidConfigurationPropertyValueException(SECRET, describe(secret), "A secret must be at least "
					+ LinkAuthenticator.MIN_SECRET_BYTES + " bytes long (UTF-8); remove the property to run without one.");
		}
		for (int i = 0; i < accepted.size(); i++) {
			if (!LinkAuthenticator.isLongEnough(accepted.get(i))) {
				throw new InvalidConfigurationPropertyValueException(ACCEPTED_SECRETS + "[" + i + "]",
						describe(accepted.get(i)),
						"A secret must be at least " + LinkAuthenticator.MIN_SECRET_BYTES + " bytes long (UTF-8).");
			}
		}
		return new LinkAuthenticator(nodeId, secret, accepted);
	}

	private static String describe(@Nullable String secret) {
		if (secret == null || secret.isEmpty()) {
			return "(empty)";
		}
		return "(hidden, " + secret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes)";
	}

	private static String hidden(int count) {
		return "(" + count + " hidden)";
	}

	private static @Nullable ServerTls serverTls(PubSubClubProperties properties, @Nullable SslBundles bundles) {
		PubSubClubProperties.ServerSsl ssl = properties.getServer().getSsl();
		String name = ssl.getBundle();
		PubSubClubProperties.ClientAuth clientAuth = ssl.getClientAuth();
		if (name == null) {
			if (clientAuth != PubSubClubProperties.ClientAuth.NONE) {
				throw new InvalidConfigurationPropertyValueException(CLIENT_AUTH, clientAuth,
						"Client certificates need TLS on the cluster port: set " + SERVER_BUNDLE + ".");
			}
			return null;
		}
		SslBundle bundle = bundle(SERVER_BUNDLE, name, bundles);
		if (bundle.getStores().getKeyStore() == null) {
			throw new InvalidConfigurationPropertyValueException(SERVER_BUNDLE, name,
					"The bundle has no key store (keystore.certificate and keystore.private-key for a PEM "
							+ "bundle): the cluster server needs a key and certificate to serve TLS.");
		}
		if (clientAuth != PubSubClubProperties.ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			throw new InvalidConfigurationPropertyValueException(CLIENT_AUTH, clientAuth,
					"Client certificates are checked against the trust store of the bundle '" + name + "' ("
							+ SERVER_BUNDLE + "), which has none.");
		}
		return new ServerTls(name, bundles(bundles), switch (clientAuth) {
			case NONE -> ServerTls.ClientAuth.NONE;
			case WANT -> ServerTls.ClientAuth.WANT;
			case NEED -> ServerTls.ClientAuth.NEED;
		});
	}

	private static @Nullable LinkTls linkTls(PubSubClubProperties properties, @Nullable SslBundles bundles) {
		String name = properties.getLink().getSsl().getBundle();
		if (name == null) {
			return null;
		}
		bundle(LINK_BUNDLE, name, bundles);
		return new LinkTls(name, bundles(bundles));
	}

	private static SslBundle bundle(String property, String name, @Nullable SslBundles bundles) {
		if (name.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"Name an SSL bundle (spring.ssl.bundle.*), or remove the property for plain text.");
		}
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"No SSL bundles in this application (SslBundles bean from Spring Boot's SslAutoConfiguration).");
		}
		try {
			return bundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException(property, name,
					"No SSL bundle of that name; the bundles are " + bundles.getBundleNames()
							+ " (spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>).");
		}
	}

	private static SslBundles bundles(@Nullable SslBundles bundles) {
		if (bundles == null) {
			throw new IllegalStateException("No SslBundles");
		}
		return bundles;
	}

}
