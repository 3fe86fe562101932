package io.pubsubclub.cluster.transport;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Authenticates cluster links on the WebSocket upgrade with the {@value #HEADER} header
 * of the PSC protocol's "Authenticated links": the dialling side signs its node id, the
 * time and a fresh nonce with the cluster secret; the accepting side checks the token
 * (every accepted secret, constant time, a 60 s clock window, nonces remembered for
 * {@link #NONCE_MEMORY 121 s}) and proves in its 101 that it holds the secret too.
 * <p>
 * A node id is any non-negative {@code long}: up to 19 decimal digits, no sign, at most
 * {@link Long#MAX_VALUE}; anything else in a token or proof is malformed.
 * <p>
 * Holds the secrets and never shows them: not in {@link #toString()}, not in a refusal.
 * Counts refusals by {@link Reason}.
 *
 * @author PubSubClub
 */
public final class LinkAuthenticator {

	/**
	 * Upgrade request and 101 response header carrying the token and the proof.
	 */
	public static final String HEADER = "PubSubClub-Auth";

	/**
	 * Shortest secret accepted, in bytes of its UTF-8 encoding.
	 */
	public static final int MIN_SECRET_BYTES = 16;

	/**
	 * Largest difference between a token's time and this node's clock.
	 */
	public static final Duration CLOCK_WINDOW = Duration.ofSeconds(60);

	/**
	 * How long a nonce is remembered, so that a token cannot be replayed while it is
	 * valid. The clock window is checked on whole seconds: a token dated {@code ts} is
	 * accepted from {@code ts - 60 s} until just before {@code ts + 61 s}, 121 s in all,
	 * and its nonce is first seen no earlier than the start of that span.
	 */
	public static final Duration NONCE_MEMORY = CLOCK_WINDOW.multipliedBy(2).plusSeconds(1);

	static final int DEFAULT_MAX_NONCES = 65_536;

	private static final String REQUEST_PREFIX = "psc-auth-v1|";

	private static final String PROOF_PREFIX = "psc-auth-v1-accept|";

	private static final String ALGORITHM = "HmacSHA256";

	private static final HexFormat HEX = HexFormat.of();

	private static final SecureRandom random = new SecureRandom();

	private final long nodeId;

	private final SecretKeySpec signingKey;

	private final List<SecretKeySpec> acceptedKeys;

	private final Clock clock;

	private final NonceMemory nonces;

	private final Map<Reason, LongAdder> refusals = new EnumMap<>(Reason.class);

	/**
	 * Create an authenticator.
	 * @param nodeId this node's id, named in its tokens and proofs
	 * @param secret the secret this node signs with and accepts, at least
	 * {@value #MIN_SECRET_BYTES} bytes
	 * @param acceptedSecrets further secrets accepted from dialling nodes (rotation)
	 */
	public LinkAuthenticator(long nodeId, String secret, List<String> acceptedSecrets) {
		this(nodeId, secret, acceptedSecrets, Clock.systemUTC(), DEFAULT_MAX_NONCES);
	}

	LinkAuthenticator(long nodeId, String secret, List<String> acceptedSecrets, Clock clock, int maxNonces) {
		if (!isLongEnough(secret)) {
			throw new IllegalArgumentException("The secret must be at least " + MIN_SECRET_BYTES + " bytes long");
		}
		this.nodeId = nodeId;
		this.signingKey = key(secret);
		List<SecretKeySpec> accepted = new ArrayList<>();
		accepted.add(this.signingKey);
		for (String other : acceptedSecrets) {
			if (!isLongEnough(other)) {
				throw new IllegalArgumentException(
						"Every accepted secret must be at least " + MIN_SECRET_BYTES + " bytes long");
			}
			accepted.add(key(other));
		}
		this.acceptedKeys = List.copyOf(accepted);
		this.clock = clock;
		this.nonces = new NonceMemory(NONCE_MEMORY.toMillis(), maxNonces);
		for (Reason reason : Reason.values()) {
			this.refusals.put(reason, new LongAdder());
		}
	}

	/**
	 * Whether a secret is long enough to be used.
	 * @param secret the secret
	 * @return whether it has at least {@value #MIN_SECRET_BYTES} bytes in UTF-8
	 */
	public static boolean isLongEnough(@Nullable String secret) {
		return secret != null && secret.getBytes(StandardCharsets.UTF_8).length >= MIN_SECRET_BYTES;
	}

	private static SecretKeySpec key(String secret) {
		return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
	}

	/**
	 * Return how many secrets are accepted from dialling nodes, this node's own included.
	 * @return the number of accepted secrets
	 */
	public int acceptedSecretCount() {
		return this.acceptedKeys.size();
	}

	/**
	 * Make the token for one dial: a fresh nonce, the current time.
	 * @return the token
	 */
	Token sign() {
		byte[] nonceBytes = new byte[16];
		random.nextBytes(nonceBytes);
		String nonce = HEX.formatHex(nonceBytes);
		long ts = this.clock.millis() / 1000;
		String mac = HEX.formatHex(mac(this.signingKey, REQUEST_PREFIX + this.nodeId + "|" + ts + "|" + nonce));
		return new Token("v1 node=" + this.nodeId + " ts=" + ts + " nonce=" + nonce + " mac=" + mac, nonce);
	}

	/**
	 * Check the token of an upgrade request.
	 * @param values every value of the {@value #HEADER} request header, {@code null} or
	 * empty when there is none
	 * @return the verdict: the proof to send in the 101 response, or the reason to refuse
	 */
	Verdict verify(@Nullable List<String> values) {
		if (values == null || values.isEmpty()) {
			return refuse(Reason.MISSING);
		}
		if (values.size() != 1) {
			return refuse(Reason.MALFORMED);
		}
		String[] parts = values.get(0).split(" ", -1);
		if (parts.length != 5 || !"v1".equals(parts[0])) {
			return refuse(Reason.MALFORMED);
		}
		String node = value(parts[1], "node=");
		String ts = value(parts[2], "ts=");
		String nonce = value(parts[3], "nonce=");
		String mac = value(parts[4], "mac=");
		if (!isNodeId(node) || !isDecimal(ts, 18) || !isLowerHex(nonce, 32) || !isLowerHex(mac, 64)) {
			return refuse(Reason.MALFORMED);
		}
		long now = this.clock.millis();
		long seconds = Long.parseLong(ts);
		if (Math.abs(now / 1000 - seconds) > CLOCK_WINDOW.toSeconds()) {
			return refuse(Reason.STALE);
		}
		byte[] presented = HEX.parseHex(mac);
		String data = REQUEST_PREFIX + node + "|" + ts + "|" + nonce;
		SecretKeySpec matched = null;
		// every key is tried, so that the time taken does not tell which one matched
		for (SecretKeySpec key : this.acceptedKeys) {
			if (MessageDigest.isEqual(mac(key, data), presented) && matched == null) {
				matched = key;
			}
		}
		if (matched == null) {
			return refuse(Reason.BAD_MAC);
		}
		// only tokens made with the secret reach the nonce memory: a flood of forged
		// ones costs nothing but the HMACs
		if (!this.nonces.remember(nonce, now)) {
			return refuse(Reason.REPLAYED);
		}
		String proof = HEX.formatHex(mac(matched, PROOF_PREFIX + this.nodeId + "|" + nonce));
		return new Verdict(null, "v1 node=" + this.nodeId + " mac=" + proof, Long.parseLong(node));
	}

	/**
	 * Check the accepting side's proof in its 101 response.
	 * @param value the {@value #HEADER} response header, {@code null} when missing
	 * @param nonce the nonce of this dial's token
	 * @return {@code null} when the proof is right, else why not (for the log, without
	 * the mac)
	 */
	@Nullable String checkProof(@Nullable String value, String nonce) {
		if (value == null) {
			this.refusals.get(Reason.SERVER_PROOF_WRONG).increment();
			return "no " + HEADER + " proof in the 101 response";
		}
		String[] parts = value.split(" ", -1);
		String node = (parts.length == 3 && "v1".equals(parts[0])) ? value(parts[1], "node=") : null;
		String mac = (node != null) ? value(parts[2], "mac=") : null;
		if (!isNodeId(node) || !isLowerHex(mac, 64)) {
			this.refusals.get(Reason.SERVER_PROOF_WRONG).increment();
			return "malformed " + HEADER + " proof in the 101 response";
		}
		byte[] expected = mac(this.signingKey, PROOF_PREFIX + node + "|" + nonce);
		if (!MessageDigest.isEqual(expected, HEX.parseHex(mac))) {
			this.refusals.get(Reason.SERVER_PROOF_WRONG).increment();
			return "wrong " + HEADER + " proof in the 101 response (the server does not hold this node's secret)";
		}
		return null;
	}

	private Verdict refuse(Reason reason) {
		this.refusals.get(reason).increment();
		return new Verdict(reason, null, null);
	}

	/**
	 * Return the refusals so far, by reason.
	 * @return the count of each {@link Reason}, keyed by its {@link Reason#tag() tag}
	 */
	public Map<String, Long> refusals() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.refusals.forEach((reason, count) -> counts.put(reason.tag(), count.sum()));
		return Collections.unmodifiableMap(counts);
	}

	/**
	 * Return how many links were refused for one reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long refusals(Reason reason) {
		return this.refusals.get(reason).sum();
	}

	int rememberedNonces() {
		return this.nonces.size();
	}

	private static byte[] mac(SecretKeySpec key, String data) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException | InvalidKeyException ex) {
			// every JDK has HmacSHA256; no key material in the message
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	private static @Nullable String value(String part, String name) {
		return part.startsWith(name) ? part.substring(name.length()) : null;
	}

	/**
	 * Whether a token's or proof's node id is a non-negative {@code long}, as
	 * {@code pubsubclub.node-id} is: 19 digits at most, then no overflow.
	 */
	static boolean isNodeId(@Nullable String value) {
		if (!isDecimal(value, 19)) {
			return false;
		}
		try {
			Long.parseLong(value);
			return true;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static boolean isDecimal(@Nullable String value, int maxDigits) {
		if (value == null || value.isEmpty() || value.length() > maxDigits) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	private static boolean isLowerHex(@Nullable String value, int length) {
		if (value == null || value.length() != length) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
				return false;
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return "LinkAuthenticator[node=" + this.nodeId + ", acceptedSecrets=" + this.acceptedKeys.size() + "]";
	}

	/**
	 * Why a link was refused.
	 */
	public enum Reason {

		/** The upgrade request carried no token. */
		MISSING,

		/** The token is not in the protocol's format. */
		MALFORMED,

		/** The token's time is more than 60 s from this node's clock. */
		STALE,

		/** The token's nonce was seen while the token is valid (within 121 s). */
		REPLAYED,

		/** The token's mac matches under no accepted secret. */
		BAD_MAC,

		/** A dialled server's 101 carried no proof, or a wrong one. */
		SERVER_PROOF_WRONG;

		/**
		 * Return the reason as a tag value and in log lines.
		 * @return e.g. {@code bad-mac}
		 */
		public String tag() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	/**
	 * A token for one dial.
	 *
	 * @param header the {@value LinkAuthenticator#HEADER} request header's value
	 * @param nonce its nonce, which the accepting side's proof covers
	 */
	record Token(String header, String nonce) {

		@Override
		public String toString() {
			return "Token[nonce=" + this.nonce + "]";
		}

	}

	/**
	 * The outcome of checking a token.
	 *
	 * @param refusal why the link is refused, {@code null} when accepted
	 * @param proof the {@value LinkAuthenticator#HEADER} response header's value, when
	 * accepted
	 * @param farNodeId the node id the token names, when accepted
	 */
	record Verdict(@Nullable Reason refusal, @Nullable String proof, @Nullable Long farNodeId) {

		boolean accepted() {
			return this.refusal == null;
		}

		@Override
		public String toString() {
			return (this.refusal != null) ? "refused: " + this.refusal.tag() : "accepted node " + this.farNodeId;
		}

	}

}
