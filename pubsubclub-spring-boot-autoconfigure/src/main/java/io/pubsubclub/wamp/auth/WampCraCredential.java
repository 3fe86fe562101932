package io.pubsubclub.wamp.auth;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What the server knows of one auth key: the key that signs its challenges (the secret,
 * or for a salted secret only the PBKDF2-derived key) and the permissions it grants.
 * {@link #toString()} never shows the key.
 *
 * @author PubSubClub
 */
public final class WampCraCredential {

	/**
	 * Autobahn's default PBKDF2 iteration count.
	 */
	public static final int DEFAULT_ITERATIONS = 10000;

	/**
	 * Autobahn's default derived key length, in bytes.
	 */
	public static final int DEFAULT_KEYLEN = 32;

	private final String key;

	private final @Nullable String salt;

	private final int iterations;

	private final int keylen;

	private final WampCraPermissions permissions;

	private WampCraCredential(String key, @Nullable String salt, int iterations, int keylen,
			WampCraPermissions permissions) {
		Assert.hasLength(key, "Key must not be empty");
		Assert.isTrue(iterations > 0, "Iterations must be positive");
		Assert.isTrue(keylen > 0, "Key length must be positive");
		Assert.notNull(permissions, "Permissions must not be null");
		this.key = key;
		this.salt = salt;
		this.iterations = iterations;
		this.keylen = keylen;
		this.permissions = permissions;
	}

	/**
	 * A credential whose challenges are signed with the secret itself (no
	 * {@code authextra} in the challenge).
	 * @param secret the secret the client signs with
	 * @param permissions the permissions granted
	 * @return the credential
	 */
	public static WampCraCredential ofSecret(String secret, WampCraPermissions permissions) {
		return new WampCraCredential(secret, null, DEFAULT_ITERATIONS, DEFAULT_KEYLEN, permissions);
	}

	/**
	 * A salted credential: the server holds only the derived key,
	 * {@link WampCraCrypto#deriveKey WampCraCrypto.deriveKey(secret, salt, iterations,
	 * keylen)}; the challenge carries {@code authextra: {salt, iterations, keylen}} so that
	 * the client derives the same key from the secret.
	 * @param derivedKey the derived key (base64)
	 * @param salt the salt
	 * @param iterations the PBKDF2 iterations
	 * @param keylen the derived key length in bytes
	 * @param permissions the permissions granted
	 * @return the credential
	 */
	public static WampCraCredential ofDerivedKey(String derivedKey, String salt, int iterations, int keylen,
			WampCraPermissions permissions) {
		Assert.hasLength(salt, "Salt must not be empty");
		return new WampCraCredential(derivedKey, salt, iterations, keylen, permissions);
	}

	/**
	 * Return the permissions granted when the authentication succeeds.
	 * @return the permissions
	 */
	public WampCraPermissions getPermissions() {
		return this.permissions;
	}

	/**
	 * Return whether the secret is salted.
	 * @return whether the challenge carries {@code authextra}
	 */
	public boolean isSalted() {
		return this.salt != null;
	}

	String key() {
		return this.key;
	}

	@Nullable Map<String, Object> authExtra() {
		if (this.salt == null) {
			return null;
		}
		Map<String, Object> authExtra = new LinkedHashMap<>();
		authExtra.put("salt", this.salt);
		authExtra.put("iterations", this.iterations);
		authExtra.put("keylen", this.keylen);
		return authExtra;
	}

	@Override
	public String toString() {
		return "WampCraCredential[salted=" + isSalted() + ", permissions=" + this.permissions + "]";
	}

}
