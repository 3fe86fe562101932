package io.pubsubclub.cluster.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.TestNodes;
import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.cluster.transport.TestCertificates.Ca;
import io.pubsubclub.cluster.transport.TestCertificates.Issued;

import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS on cluster links with Spring Boot SSL bundles, over real sockets with certificates
 * made in the test: the server's certificate and host name verified, mutual TLS, a wrong
 * CA refused, plain text and TLS never linked, with a clear error.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClusterTlsTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static Ca ca;

	private static Ca otherCa;

	private static Issued server;

	private static Issued client;

	private static Issued misnamed;

	private final TestNodes nodes = new TestNodes();

	@BeforeAll
	static void makeCertificates() throws Exception {
		ca = TestCertificates.ca("cluster-ca");
		otherCa = TestCertificates.ca("other-ca");
		server = ca.server();
		client = ca.client();
		misnamed = ca.serverFor("other.example");
	}

	@AfterEach
	void closeNodes() throws Exception {
		this.nodes.close();
	}

	private Node producerServer(List<String> bundle, String... properties) {
		List<String> all = new ArrayList<>(List.of("pubsubclub.producer.enabled=true",
				"pubsubclub.producer.mode=server", "pubsubclub.server.port=0", "pubsubclub.server.address=127.0.0.1"));
		all.addAll(bundle);
		all.addAll(List.of(properties));
		return this.nodes.start(all.toArray(String[]::new));
	}

	private Node consumerClient(Node producer, List<String> bundle, String... properties) {
		List<String> all = new ArrayList<>(List.of("pubsubclub.consumer.enabled=true",
				"pubsubclub.consumer.mode=client", "pubsubclub.peers=" + producer.address(),
				"pubsubclub.link.reconnect-delay=100ms", "pubsubclub.link.max-reconnect-delay=500ms"));
		all.addAll(bundle);
		all.addAll(List.of(properties));
		return this.nodes.start(all.toArray(String[]::new));
	}

	private static String dialError(Node node) {
		return node.links().stream().map(ClusterState.Link::lastError).filter(Objects::nonNull).findFirst().orElse("");
	}

	private static void assertCarriesEvents(Node producer, Node consumer) {
		consumer.subscribers().subscribe("t");
		await().atMost(WAIT).until(() -> producer.forwards("t"));
		producer.subscribers().publish("t", "\"over tls\"");
		await().atMost(WAIT).until(() -> consumer.subscribers().delivered().contains("t \"over tls\""));
	}

	@Test
	void wssWithTheServersCertificateAndHostNameVerified(CapturedOutput output) throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, ca),
				"pubsubclub.link.ssl.bundle=cluster");
		assertCarriesEvents(producer, consumer);
		assertThat(output).contains("listening on wss://127.0.0.1:" + producer.address().port() + "/");
		assertThat(consumer.context().getBean(LinkSecurity.class).state().linkSslBundle()).isEqualTo("cluster");
	}

	@Test
	void aPlainTextUpgradeOnTheTlsPortIsRefused() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		try (RawUpgrade upgrade = RawUpgrade.open(producer.address().port())) {
			assertThat(upgrade.status).isEqualTo(400);
			assertThat(upgrade.header("Upgrade")).isNull();
		}
		assertThat(producer.links()).isEmpty();
	}

	@Test
	void aPlainNodeCannotDialATlsServerAndIsToldWhy(CapturedOutput output) throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Node consumer = consumerClient(producer, List.of());
		await().atMost(WAIT).until(() -> dialError(consumer).contains("HTTP 400"));
		assertThat(dialError(consumer)).contains("set pubsubclub.link.ssl.bundle to dial wss://");
		assertThat(output).contains("Cluster server " + producer.address() + " answered the upgrade with HTTP 400");
		assertThat(producer.links()).isEmpty();
	}

	@Test
	void aTlsNodeCannotDialAPlainServerAndIsToldWhy(CapturedOutput output) throws Exception {
		Node producer = producerServer(List.of());
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, ca),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("does not speak TLS"));
		assertThat(dialError(consumer)).contains("no pubsubclub.server.ssl.bundle there?");
		assertThat(producer.readyLinks()).isZero();
	}

	@Test
	void aServerCertificateFromAnotherCaIsRefused() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, otherCa),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("failed TLS verification"));
		assertThat(consumer.readyLinks()).isZero();
		assertThat(producer.readyLinks()).isZero();
	}

	@Test
	void aServerCertificateForAnotherHostIsRefused() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", misnamed, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, ca),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("failed TLS verification"));
		assertThat(dialError(consumer)).containsIgnoringCase("subject alternative name");
		assertThat(consumer.readyLinks()).isZero();
	}

	@Test
	void mutualTlsWithASecretLinksANodeWithATrustedCertificate() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, ca),
				"pubsubclub.server.ssl.bundle=cluster", "pubsubclub.server.ssl.client-auth=need",
				"pubsubclub.link.secret=" + LinkAuthenticationTests.SECRET);
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", client, ca),
				"pubsubclub.link.ssl.bundle=cluster", "pubsubclub.link.secret=" + LinkAuthenticationTests.SECRET);
		assertCarriesEvents(producer, consumer);
		LinkSecurity.State state = producer.context().getBean(LinkSecurity.class).state();
		assertThat(state.authenticated()).isTrue();
		assertThat(state.serverSslBundle()).isEqualTo("cluster");
		assertThat(state.clientAuth()).isEqualTo("need");
	}

	@Test
	void mutualTlsRefusesANodeWithoutACertificate() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, ca),
				"pubsubclub.server.ssl.bundle=cluster", "pubsubclub.server.ssl.client-auth=need");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, ca),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("refused this node's certificate"));
		assertThat(consumer.readyLinks()).isZero();
		assertThat(producer.readyLinks()).isZero();
	}

	@Test
	void mutualTlsRefusesACertificateFromAnotherCa() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, ca),
				"pubsubclub.server.ssl.bundle=cluster", "pubsubclub.server.ssl.client-auth=need");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", otherCa.client(), ca),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("refused this node's certificate"));
		assertThat(consumer.readyLinks()).isZero();
		assertThat(producer.readyLinks()).isZero();
	}

	@Test
	void wantedClientCertificatesAreOptional() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, ca),
				"pubsubclub.server.ssl.bundle=cluster", "pubsubclub.server.ssl.client-auth=want");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, ca),
				"pubsubclub.link.ssl.bundle=cluster");
		assertCarriesEvents(producer, consumer);
	}

	@Test
	void theServerTakesUpAReloadedBundleForNewLinks() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Issued renewed = otherCa.server();
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, otherCa),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("failed TLS verification"));
		// what Spring Boot's bundle watcher does when the files of a reload-on-update bundle change
		producer.context()
			.getBean(DefaultSslBundleRegistry.class)
			.updateBundle("cluster", SslBundle.of(new PemSslStoreBundle(
					PemSslStoreDetails.forCertificate(renewed.certificatePem()).withPrivateKey(renewed.privateKeyPem()),
					null)));
		await().atMost(WAIT).until(() -> consumer.readyLinks() == 1);
		assertThat(producer.context().getBean(LinkSecurity.class).state().bundleReloads()).isOne();
	}

	@Test
	void theDiallingSideTakesUpAReloadedBundleAtTheNextDial() throws Exception {
		Node producer = producerServer(TestCertificates.bundle("cluster", server, null),
				"pubsubclub.server.ssl.bundle=cluster");
		Node consumer = consumerClient(producer, TestCertificates.bundle("cluster", null, otherCa),
				"pubsubclub.link.ssl.bundle=cluster");
		await().atMost(WAIT).until(() -> dialError(consumer).contains("failed TLS verification"));
		consumer.context()
			.getBean(DefaultSslBundleRegistry.class)
			.updateBundle("cluster", SslBundle.of(new PemSslStoreBundle(null,
					PemSslStoreDetails.forCertificate(TestCertificates.pem(ca)))));
		await().atMost(WAIT).until(() -> consumer.readyLinks() == 1);
		assertThat(consumer.context().getBean(LinkSecurity.class).state().bundleReloads()).isOne();
	}

}
