package io.pubsubclub.cluster.transport;

import java.util.concurrent.atomic.AtomicLong;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/**
 * TLS on dialled links from a Spring Boot {@link SslBundle}: the client connector dials
 * {@code wss://}, trusts the servers the bundle's trust store trusts (the JDK's default
 * trust when the bundle has none), checks the host name it dialled against the server's
 * certificate, and shows the bundle's key and certificate when the server asks for one
 * (mutual TLS). A reloaded bundle is used from the next dial on.
 *
 * @author PubSubClub
 */
public final class LinkTls {

	private final String bundleName;

	private final AtomicLong reloads = new AtomicLong();

	private volatile SSLContext sslContext;

	private volatile String @Nullable [] protocols;

	/**
	 * Create the TLS settings of dialled links.
	 * @param bundleName the name of the bundle
	 * @param bundles the application's bundles, which must hold that name
	 */
	public LinkTls(String bundleName, SslBundles bundles) {
		this.bundleName = bundleName;
		SslBundle bundle = bundles.getBundle(bundleName);
		this.sslContext = bundle.createSslContext();
		this.protocols = bundle.getOptions().getEnabledProtocols();
		bundles.addBundleUpdateHandler(bundleName, this::update);
	}

	private void update(SslBundle bundle) {
		this.sslContext = bundle.createSslContext();
		this.protocols = bundle.getOptions().getEnabledProtocols();
		this.reloads.incrementAndGet();
	}

	/**
	 * Return the bundle's name.
	 * @return the name
	 */
	public String bundleName() {
		return this.bundleName;
	}

	/**
	 * Return how many times the bundle was reloaded since start-up.
	 * @return the reloads
	 */
	public long reloads() {
		return this.reloads.get();
	}

	SSLContext sslContext() {
		return this.sslContext;
	}

	String @Nullable [] protocols() {
		return this.protocols;
	}

	@Override
	public String toString() {
		return "LinkTls[bundle=" + this.bundleName + "]";
	}

}
