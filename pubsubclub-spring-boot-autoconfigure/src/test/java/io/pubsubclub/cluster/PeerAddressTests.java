package io.pubsubclub.cluster;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PeerAddress#parse(String)}.
 */
class PeerAddressTests {

	@ParameterizedTest
	@ValueSource(strings = { "h/x:1", "a@b:1", "host name:1", "h?x:1", "h#x:1", "[::1%eth0/x]:1", "[fe80::1%eth0]:9", "[not-v6]:1",
			"-host:1", "host-:1", "a..b:1", ".a:1", "[::1]", "h:", ":1", "h:0", "h:65536", "h:+1", " h :1",
			"h:1:2", "[::1]:1x", "ex\u00e4mple:1" })
	void refusesWhatIsNotAHostAndPort(String text) {
		assertThatIllegalArgumentException().isThrownBy(() -> PeerAddress.parse(text)).withMessageContaining(text.strip());
	}

	@ParameterizedTest
	@CsvSource({ "localhost:19000, localhost, 19000", "10.0.0.2:1, 10.0.0.2, 1", "[::1]:65535, ::1, 65535",
"node-2.cluster_a.example:4, node-2.cluster_a.example, 4",
			"NODE.Example.:5, NODE.Example., 5" })
	void acceptsHostNamesIpv4AndBracketedIpv6(String text, String host, int port) {
		PeerAddress address = PeerAddress.parse(text);
		assertThat(address.host()).isEqualTo(host);
		assertThat(address.port()).isEqualTo(port);
	}

}
