package io.pubsubclub.wamp.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * The cryptography of WAMP-CRA, byte for byte as AutobahnJS 0.8 computes it: strings are
 * UTF-8 (CryptoJS parses string keys and messages as UTF-8), results standard padded
 * base64. A derived key is used as a key in its base64 text form, as
 * {@code authsign(challenge, deriveKey(secret, authextra))} does.
 *
 * @author PubSubClub
 */
public final class WampCraCrypto {

	private WampCraCrypto() {
	}

	/**
	 * Sign a challenge: base64 of HMAC-SHA256(key = UTF-8 of {@code key}, data = UTF-8 of
	 * {@code challenge}), as AutobahnJS's {@code session.authsign(challenge, key)}.
	 * @param challenge the challenge text exactly as sent
	 * @param key the secret, or the derived key of a salted secret
	 * @return the signature
	 */
	public static String sign(String challenge, String key) {
		Assert.hasLength(key, "Key must not be empty");
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return Base64.getEncoder().encodeToString(mac.doFinal(challenge.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Derive the key of a salted secret: base64 of PBKDF2-HMAC-SHA256(password = UTF-8 of
	 * {@code secret}, salt = UTF-8 of {@code salt}, iterations, keylen bytes), as
	 * AutobahnJS's {@code ab.deriveKey(secret, {salt, iterations, keylen})}. A server can
	 * store this instead of the secret.
	 * @param secret the secret (password)
	 * @param salt the salt
	 * @param iterations the iteration count (Autobahn's default: 10000)
	 * @param keylen the key length in bytes (Autobahn's default: 32)
	 * @return the derived key
	 */
	public static String deriveKey(String secret, String salt, int iterations, int keylen) {
		Assert.isTrue(iterations > 0, "Iterations must be positive");
		Assert.isTrue(keylen > 0, "Key length must be positive");
		Assert.hasLength(secret, "Secret must not be empty");
		try {
			Mac prf = Mac.getInstance("HmacSHA256");
			prf.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return Base64.getEncoder().encodeToString(pbkdf2(prf, salt, iterations, keylen));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

	/**
	 * Compare a signature received with the one expected in time that does not depend on
	 * where they differ.
	 * @param expected the signature expected
	 * @param received the signature received
	 * @return whether they are equal
	 */
	public static boolean matches(String expected, String received) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				received.getBytes(StandardCharsets.UTF_8));
	}

	// RFC 8018 PBKDF2 over the UTF-8 bytes of the password, as CryptoJS: PBEKeySpec takes
	// chars, and providers differ in how they turn those outside ASCII into bytes
	private static byte[] pbkdf2(Mac prf, String salt, int iterations, int keylen) {
		byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
		int hashLength = prf.getMacLength();
		int blocks = (keylen + hashLength - 1) / hashLength;
		byte[] out = new byte[keylen];
		for (int block = 1; block <= blocks; block++) {
			prf.update(saltBytes);
			prf.update(new byte[] { (byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block });
			byte[] u = prf.doFinal();
			byte[] t = u.clone();
			for (int i = 1; i < iterations; i++) {
				u = prf.doFinal(u);
				for (int j = 0; j < t.length; j++) {
					t[j] ^= u[j];
				}
			}
			int offset = (block - 1) * hashLength;
			System.arraycopy(t, 0, out, offset, Math.min(hashLength, keylen - offset));
		}
		return out;
	}

}
