package io.pubsubclub.cluster.transport;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time with Bouncy Castle (EC P-256, valid for a day): a CA,
 * and certificates it issues for servers (with subject alternative names) and clients.
 * Each is available as PEM text, which a Spring Boot PEM SSL bundle takes inline.
 */
public final class TestCertificates {

	private static final AtomicLong serial = new AtomicLong(System.currentTimeMillis());

	private TestCertificates() {
	}

	/** A CA that issues certificates. */
	public record Ca(KeyPair keys, X509Certificate certificate) {

		/** A server certificate for 127.0.0.1 (IP address SAN) and localhost. */
		public Issued server() throws Exception {
			return issue("server", new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
					new GeneralName(GeneralName.dNSName, "localhost"));
		}

		/** A server certificate whose only name is the given DNS name. */
		Issued serverFor(String dnsName) throws Exception {
			return issue("server", new GeneralName(GeneralName.dNSName, dnsName));
		}

		/** A client certificate. */
		public Issued client() throws Exception {
			return issue("client");
		}

		private Issued issue(String cn, GeneralName... names) throws Exception {
			KeyPair keys = keyPair();
			Instant now = Instant.now();
			X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
					new X500Name(this.certificate.getSubjectX500Principal().getName()),
					BigInteger.valueOf(serial.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
					Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=" + cn), keys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
			builder.addExtension(Extension.keyUsage, true,
					new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
			builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
					new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }));
			if (names.length > 0) {
				builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
			}
			return new Issued(keys, sign(builder, this.keys), this);
		}

	}

	/** A certificate and its key, issued by a CA. */
	public record Issued(KeyPair keys, X509Certificate certificate, Ca ca) {

		public String certificatePem() throws Exception {
			return pem("CERTIFICATE", this.certificate.getEncoded());
		}

		public String privateKeyPem() {
			return pem("PRIVATE KEY", this.keys.getPrivate().getEncoded());
		}

	}

	public static Ca ca(String name) throws Exception {
		KeyPair keys = keyPair();
		Instant now = Instant.now();
		X500Name subject = new X500Name("CN=" + name);
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
				BigInteger.valueOf(serial.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
				Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
		builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		return new Ca(keys, sign(builder, keys));
	}

	public static String pem(Ca ca) throws Exception {
		return pem("CERTIFICATE", ca.certificate().getEncoded());
	}

	/**
	 * Properties of a PEM SSL bundle.
	 * @param name the bundle's name
	 * @param identity the key and certificate, or {@code null} for none
	 * @param trusted the CA whose certificates the bundle trusts, or {@code null} for none
	 */
	public static List<String> bundle(String name, Issued identity, Ca trusted) throws Exception {
		List<String> properties = new ArrayList<>();
		String prefix = "spring.ssl.bundle.pem." + name + ".";
		if (identity != null) {
			properties.add(prefix + "keystore.certificate=" + identity.certificatePem());
			properties.add(prefix + "keystore.private-key=" + identity.privateKeyPem());
		}
		if (trusted != null) {
			properties.add(prefix + "truststore.certificate=" + pem(trusted));
		}
		return properties;
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer) throws Exception {
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

	private static KeyPair keyPair() throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"));
		return generator.generateKeyPair();
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
