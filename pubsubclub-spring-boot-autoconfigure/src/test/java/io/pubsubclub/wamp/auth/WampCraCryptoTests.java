package io.pubsubclub.wamp.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * WAMP-CRA's signatures and derived keys against values computed by CryptoJS 3.1.2 (the
 * library AutobahnJS 0.8 bundles) with AutobahnJS's own {@code authsign} and
 * {@code deriveKey}, and by Python's hmac/hashlib (Autobahn|Python's server): both gave
 * the same values.
 */
class WampCraCryptoTests {

	@Test
	void signIsBase64HmacSha256OfTheChallengeText() {
		assertThat(WampCraCrypto.sign("{\"authid\":\"x\",\"authkey\":\"joe\"}", "secret123"))
			.isEqualTo("RCc74xAAnsmY3btsfv9G6nt/yV6qV69Ee4EGG2z584g=");
	}

	@Test
	void deriveKeyIsBase64Pbkdf2HmacSha256WithAutobahnDefaults() {
		assertThat(WampCraCrypto.deriveKey("secret123", "salt123", 10000, 32))
			.isEqualTo("r52GCPQ/QOrgEiIK6EDkftmh4INm+TKQIWTy2oB7ymw=");
	}

	@Test
	void deriveKeyLongerThanOneHashBlock() {
		assertThat(WampCraCrypto.deriveKey("secret123", "salt123", 1000, 48))
			.isEqualTo("Eu7CQLfR+/Ffb+275A4s9/6H/RGKYxM4s6IMrsNKzC8Ih9BjlZB3LVE9S2c5Vez0");
	}

	@Test
	void nonAsciiSecretsAndChallengesAreUtf8AndDerivedKeysSignAsText() {
		String derived = WampCraCrypto.deriveKey("sécret", "salt123", 100, 32);
		assertThat(derived).isEqualTo("TXZmhaqgjBbYsuDzuXddtmj/aZXEzTkPWNZtj1HpWXk=");
		assertThat(WampCraCrypto.sign("ünï", derived)).isEqualTo("8Q6p3i9t0LtdyFXnk4nAQVDOQ8LYb98Lic6dwcgSH3c=");
	}

	@Test
	void matchesComparesWholeSignatures() {
		String signature = WampCraCrypto.sign("challenge", "key");
		assertThat(WampCraCrypto.matches(signature, signature)).isTrue();
		assertThat(WampCraCrypto.matches(signature, signature.substring(0, 43))).isFalse();
		assertThat(WampCraCrypto.matches(signature, signature + "=")).isFalse();
		assertThat(WampCraCrypto.matches(signature, "")).isFalse();
		assertThat(WampCraCrypto.matches(signature, WampCraCrypto.sign("challenge", "other"))).isFalse();
	}

	@Test
	void emptyKeysAndBadParametersAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> WampCraCrypto.sign("challenge", ""));
		assertThatIllegalArgumentException().isThrownBy(() -> WampCraCrypto.deriveKey("", "salt", 1, 32));
		assertThatIllegalArgumentException().isThrownBy(() -> WampCraCrypto.deriveKey("s", "salt", 0, 32));
		assertThatIllegalArgumentException().isThrownBy(() -> WampCraCrypto.deriveKey("s", "salt", 1, 0));
	}

}
