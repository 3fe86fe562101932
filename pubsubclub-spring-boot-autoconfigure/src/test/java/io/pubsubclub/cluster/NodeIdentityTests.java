package io.pubsubclub.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NodeIdentity}: the {@code PubSubClub-Node} header.
 */
class NodeIdentityTests {

	@Test
	void eachProcessIdentityHasItsOwnToken() {
		assertThat(new NodeIdentity(1).token()).isNotEqualTo(new NodeIdentity(1).token()).hasSize(22);
	}

	@Test
	void requestHeaderCarriesTokenIdAndPortAndIsReadBack() {
		NodeIdentity identity = new NodeIdentity(42);
		NodeIdentity.FarNode far = NodeIdentity.parse(identity.requestHeader(19000));
		assertThat(far).isEqualTo(new NodeIdentity.FarNode(identity.token(), 42, 19000));
		assertThat(identity.isSelf(far)).isTrue();
		assertThat(new NodeIdentity(42).isSelf(far)).isFalse();
		assertThat(NodeIdentity.parse(identity.responseHeader()))
			.isEqualTo(new NodeIdentity.FarNode(identity.token(), 42, null));
		assertThat(identity.requestHeader(null)).isEqualTo(identity.responseHeader());
	}

	@Test
	void unknownKeysAreSkipped() {
		assertThat(NodeIdentity.parse("v1 token=abcdefghijklmnop node=7 zone=eu port=9"))
			.isEqualTo(new NodeIdentity.FarNode("abcdefghijklmnop", 7, 9));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "v1", "v2 token=abcdefghijklmnop node=7", "v1 token=short node=7",
			"v1 token=abcdefghijklmnop", "v1 node=7", "v1 token=abcdefghijklmnop node=-1",
			"v1 token=abcdefghijklmnop node=x", "v1 token=abcdefghijklmnop node=7 port=0",
			"v1 token=abcdefghijklmnop node=7 port=70000", "v1 token=abc/efghijklmnop node=7" })
	void malformedHeadersAreTakenForNoHeader(String value) {
		assertThat(NodeIdentity.parse(value)).isNull();
	}

}
