package io.pubsubclub.cluster.transport;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.pubsubclub.cluster.transport.LinkAuthenticator.Reason;
import io.pubsubclub.cluster.transport.LinkAuthenticator.Token;
import io.pubsubclub.cluster.transport.LinkAuthenticator.Verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The token and proof of PROTOCOL.md's "Authenticated links", checked against HMACs
 * computed here from the protocol's text; the clock window and the nonce memory with a
 * clock the test moves.
 */
class LinkAuthenticatorTests {

	private static final String SECRET = "sixteen bytes ok";

	private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

	private final Clock clock = new Clock() {

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(LinkAuthenticatorTests.this.millis.get());
		}

	};

	private LinkAuthenticator node(long id, String secret, List<String> accepted, int maxNonces) {
		return new LinkAuthenticator(id, secret, accepted, this.clock, maxNonces);
	}

	@Test
	void aTokenHasTheProtocolsFormatAndMac() throws Exception {
		Token token = node(42, SECRET, List.of(), 10).sign();
		assertThat(token.header()).matches("v1 node=42 ts=1800000000 nonce=[0-9a-f]{32} mac=[0-9a-f]{64}");
		assertThat(token.header()).endsWith(" mac=" + RawUpgrade.hmac(SECRET, "psc-auth-v1|42|1800000000|" + token.nonce()));
		assertThat(node(42, SECRET, List.of(), 10).sign().nonce()).isNotEqualTo(token.nonce());
	}

	@Test
	void anAcceptedTokenGetsTheProofUnderTheSecretThatMatched() throws Exception {
		String old = "the old secret of the cluster";
		LinkAuthenticator server = node(7, SECRET, List.of(old), 10);
		Token token = node(42, old, List.of(), 10).sign();
		Verdict verdict = server.verify(List.of(token.header()));
		assertThat(verdict.accepted()).isTrue();
		assertThat(verdict.farNodeId()).isEqualTo(42);
		assertThat(verdict.proof())
			.isEqualTo("v1 node=7 mac=" + RawUpgrade.hmac(old, "psc-auth-v1-accept|7|" + token.nonce()));
		LinkAuthenticator dialler = node(42, old, List.of(), 10);
		assertThat(dialler.checkProof(verdict.proof(), token.nonce())).isNull();
		assertThat(dialler.refusals(Reason.SERVER_PROOF_WRONG)).isZero();
	}

	@Test
	void theClockWindowIsSixtySecondsEitherWay() {
		LinkAuthenticator server = node(7, SECRET, List.of(), 10);
		LinkAuthenticator dialler = node(42, SECRET, List.of(), 10);
		Token token = dialler.sign();
		this.millis.addAndGet(60_999);
		assertThat(server.verify(List.of(token.header())).accepted()).isTrue();
		Token late = dialler.sign();
		this.millis.addAndGet(61_000);
		assertThat(server.verify(List.of(late.header())).refusal()).isEqualTo(Reason.STALE);
		Token early = dialler.sign();
		this.millis.addAndGet(-122_000);
		assertThat(server.verify(List.of(early.header())).refusal()).isEqualTo(Reason.STALE);
		assertThat(server.refusals(Reason.STALE)).isEqualTo(2);
	}

	@Test
	void aNonceIsRememberedFor121SecondsThenForgotten() {
		LinkAuthenticator server = node(7, SECRET, List.of(), 10);
		LinkAuthenticator dialler = node(42, SECRET, List.of(), 10);
		Token token = dialler.sign();
		assertThat(server.verify(List.of(token.header())).accepted()).isTrue();
		this.millis.addAndGet(59_000);
		assertThat(server.verify(List.of(token.header())).refusal()).isEqualTo(Reason.REPLAYED);
		this.millis.addAndGet(62_000);
		// forgotten, and refused as stale anyway: a token is never usable past 60 s
		assertThat(server.verify(List.of(dialler.sign().header())).accepted()).isTrue();
		assertThat(server.rememberedNonces()).isOne();
		assertThat(server.verify(List.of(token.header())).refusal()).isEqualTo(Reason.STALE);
	}

	@Test
	void aNonceIsRememberedUntilNoTokenCarryingItCanBeValid() {
		LinkAuthenticator server = node(7, SECRET, List.of(), 10);
		LinkAuthenticator dialler = node(42, SECRET, List.of(), 10);
		// a token dated 60 s ahead, first used as early as it can be: at the start of
		// the second 60 s before its time (issue 25: accepted again at 120.4 s)
		this.millis.set(1_800_000_060_000L);
		Token ahead = dialler.sign();
		this.millis.set(1_800_000_000_000L);
		assertThat(server.verify(List.of(ahead.header())).accepted()).isTrue();
		for (long at : new long[] { 1_090, 119_700, 120_400, 120_999 }) {
			this.millis.set(1_800_000_000_000L + at);
			assertThat(server.verify(List.of(ahead.header())).refusal()).as("replay at %d ms", at)
				.isEqualTo(Reason.REPLAYED);
		}
		// from here on its time is more than 60 s past: stale
		this.millis.set(1_800_000_121_000L);
		assertThat(server.verify(List.of(ahead.header())).refusal()).isEqualTo(Reason.STALE);
	}

	@Test
	void everyNonNegativeLongIsANodeIdTheTokenAndProofCarry() throws Exception {
		for (long id : new long[] { 0, (1L << 31) - 1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L,
				Long.MAX_VALUE }) {
			LinkAuthenticator server = node(id, SECRET, List.of(), 10);
			LinkAuthenticator dialler = node(id, SECRET, List.of(), 10);
			Token token = dialler.sign();
			Verdict verdict = server.verify(List.of(token.header()));
			assertThat(verdict.accepted()).as("node id %d", id).isTrue();
			assertThat(verdict.farNodeId()).isEqualTo(id);
			assertThat(dialler.checkProof(verdict.proof(), token.nonce())).as("proof of node %d", id).isNull();
		}
		String nonce = RawUpgrade.nonce();
		long ts = this.millis.get() / 1000;
		// one past the largest long, and 20 digits: malformed, never an exception
		for (String node : new String[] { "9223372036854775808", "10000000000000000000", "-1" }) {
			String header = "v1 node=" + node + " ts=" + ts + " nonce=" + nonce + " mac="
					+ RawUpgrade.hmac(SECRET, "psc-auth-v1|" + node + "|" + ts + "|" + nonce);
			assertThat(node(7, SECRET, List.of(), 10).verify(List.of(header)).refusal()).as(node)
				.isEqualTo(Reason.MALFORMED);
		}
	}

	@Test
	void theNonceMemoryIsBoundedAndRefusesWhenFullOfYoungNonces() {
		LinkAuthenticator server = node(7, SECRET, List.of(), 3);
		LinkAuthenticator dialler = node(42, SECRET, List.of(), 3);
		for (int i = 0; i < 3; i++) {
			assertThat(server.verify(List.of(dialler.sign().header())).accepted()).isTrue();
		}
		assertThat(server.verify(List.of(dialler.sign().header())).refusal()).isEqualTo(Reason.REPLAYED);
		assertThat(server.rememberedNonces()).isEqualTo(3);
		this.millis.addAndGet(121_000);
		assertThat(server.verify(List.of(dialler.sign().header())).accepted()).isTrue();
		assertThat(server.rememberedNonces()).isOne();
	}

	@Test
	void forgedTokensNeverReachTheNonceMemory() {
		LinkAuthenticator server = node(7, SECRET, List.of(), 3);
		LinkAuthenticator forger = node(42, "a guess at the secret", List.of(), 3);
		for (int i = 0; i < 100; i++) {
			assertThat(server.verify(List.of(forger.sign().header())).refusal()).isEqualTo(Reason.BAD_MAC);
		}
		assertThat(server.rememberedNonces()).isZero();
		assertThat(server.verify(List.of(node(42, SECRET, List.of(), 3).sign().header())).accepted()).isTrue();
	}

	@Test
	void aWrongOrMissingProofIsCounted() throws Exception {
		LinkAuthenticator dialler = node(42, SECRET, List.of(), 10);
		Token token = dialler.sign();
		assertThat(dialler.checkProof(null, token.nonce())).contains("no PubSubClub-Auth proof");
		assertThat(dialler.checkProof("v1 node=7 mac=" + RawUpgrade.hmac("another secret entirely",
				"psc-auth-v1-accept|7|" + token.nonce()), token.nonce())).contains("wrong PubSubClub-Auth proof");
		// a proof replayed from another dial covers another nonce
		assertThat(dialler.checkProof(
				"v1 node=7 mac=" + RawUpgrade.hmac(SECRET, "psc-auth-v1-accept|7|" + RawUpgrade.nonce()),
				token.nonce())).contains("wrong");
		assertThat(dialler.checkProof("v1 node=7", token.nonce())).contains("malformed");
		assertThat(dialler.refusals(Reason.SERVER_PROOF_WRONG)).isEqualTo(4);
	}

	@Test
	void secretsShorterThan16BytesAreRejectedAndNeverShown() {
		assertThat(LinkAuthenticator.isLongEnough("fifteen bytes!!")).isFalse();
		assertThat(LinkAuthenticator.isLongEnough("sixteen bytes!!!")).isTrue();
		// 8 characters, 16 bytes in UTF-8
		assertThat(LinkAuthenticator.isLongEnough("éééééééé")).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> node(1, "short", List.of(), 10))
			.withMessageNotContaining("short");
		assertThatIllegalArgumentException().isThrownBy(() -> node(1, SECRET, List.of("tiny"), 10))
			.withMessageNotContaining("tiny");
		assertThat(node(1, SECRET, List.of(), 10)).hasToString("LinkAuthenticator[node=1, acceptedSecrets=1]");
	}

}
