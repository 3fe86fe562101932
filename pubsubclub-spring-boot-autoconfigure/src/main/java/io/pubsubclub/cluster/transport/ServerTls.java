package io.pubsubclub.cluster.transport;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * TLS on the cluster port from a Spring Boot {@link SslBundle}: the bundle's key and
 * certificate serve {@code wss://}, its trust store checks dialling nodes' certificates
 * when {@link ClientAuth client authentication} is asked for. The connector is set up the
 * way Spring Boot sets up its own Tomcat's; when the bundle is reloaded (a bundle with
 * {@code reload-on-update}), the new material serves every handshake from then on, while
 * open links keep their session.
 *
 * @author PubSubClub
 */
public final class ServerTls {

	private static final Log logger = LogFactory.getLog(ServerTls.class);

	private final String bundleName;

	private final ClientAuth clientAuth;

	private final AtomicLong reloads = new AtomicLong();

	private volatile SslBundle bundle;

	private volatile @Nullable AbstractHttp11Protocol<?> protocol;

	/**
	 * Create the TLS settings of the cluster server.
	 * @param bundleName the name of the bundle
	 * @param bundles the application's bundles, which must hold that name
	 * @param clientAuth whether dialling nodes are asked for a certificate
	 */
	public ServerTls(String bundleName, SslBundles bundles, ClientAuth clientAuth) {
		this.bundleName = bundleName;
		this.clientAuth = clientAuth;
		this.bundle = bundles.getBundle(bundleName);
		bundles.addBundleUpdateHandler(bundleName, this::update);
	}

	/**
	 * Return the bundle's name.
	 * @return the name
	 */
	public String bundleName() {
		return this.bundleName;
	}

	/**
	 * Return whether dialling nodes are asked for a certificate.
	 * @return the client authentication
	 */
	public ClientAuth clientAuth() {
		return this.clientAuth;
	}

	/**
	 * Return how many times the bundle was reloaded since start-up.
	 * @return the reloads
	 */
	public long reloads() {
		return this.reloads.get();
	}

	void applyTo(Connector connector) {
		Assert.state(connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?>,
				"The cluster server's protocol handler must be an AbstractHttp11Protocol for TLS");
		AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
		protocol.setSSLEnabled(true);
		protocol.addSslHostConfig(hostConfig(protocol, this.bundle));
		connector.setScheme("https");
		connector.setSecure(true);
		this.protocol = protocol;
	}

	void detach() {
		this.protocol = null;
	}

	private void update(SslBundle bundle) {
		this.bundle = bundle;
		this.reloads.incrementAndGet();
		AbstractHttp11Protocol<?> protocol = this.protocol;
		if (protocol != null) {
			protocol.addSslHostConfig(hostConfig(protocol, bundle), true);
			logger.info("Cluster server took up the reloaded SSL bundle '" + this.bundleName + "'");
		}
	}

	private SSLHostConfig hostConfig(AbstractHttp11Protocol<?> protocol, SslBundle bundle) {
		SSLHostConfig config = new SSLHostConfig();
		config.setHostName(protocol.getDefaultSSLHostConfigName());
		config.setCertificateVerification(switch (this.clientAuth) {
			case NONE -> "none";
			case WANT -> "optional";
			case NEED -> "required";
		});
		config.setSslProtocol(bundle.getProtocol());
		SslStoreBundle stores = bundle.getStores();
		SslBundleKey key = bundle.getKey();
		SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(config,
				SSLHostConfigCertificate.Type.UNDEFINED);
		String keyStorePassword = stores.getKeyStorePassword();
		certificate.setCertificateKeystorePassword((keyStorePassword != null) ? keyStorePassword : "");
		if (key.getPassword() != null) {
			certificate.setCertificateKeyPassword(key.getPassword());
		}
		if (key.getAlias() != null) {
			certificate.setCertificateKeyAlias(key.getAlias());
		}
		certificate.setCertificateKeystore(stores.getKeyStore());
		config.addCertificate(certificate);
		if (stores.getTrustStore() != null) {
			config.setTrustStore(stores.getTrustStore());
		}
		SslOptions options = bundle.getOptions();
		if (options.getCiphers() != null) {
			config.setCiphers(StringUtils.arrayToCommaDelimitedString(options.getCiphers()));
		}
		if (options.getEnabledProtocols() != null) {
			config.setProtocols(StringUtils.arrayToDelimitedString(options.getEnabledProtocols(), "+"));
		}
		return config;
	}

	@Override
	public String toString() {
		return "ServerTls[bundle=" + this.bundleName + ", clientAuth=" + this.clientAuth.name().toLowerCase(Locale.ROOT)
				+ "]";
	}

	/**
	 * Whether the cluster server asks dialling nodes for a certificate.
	 */
	public enum ClientAuth {

		/** No certificate asked for. */
		NONE,

		/** A certificate asked for; a node without one is still accepted. */
		WANT,

		/** A certificate required: a node without a trusted one is refused. */
		NEED

	}

}
