package io.pubsubclub.wamp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WAMP-CRA from the client's side, computed with the JDK's HMAC and PBKDF2 (not the
 * server's code), as AutobahnJS 0.8 computes it. Public for the tests of
 * {@code wamp.auth}.
 */
public final class WampCraTestSupport {

	static final String AUTHREQ = "http://api.wamp.ws/procedure#authreq";

	static final String AUTH = "http://api.wamp.ws/procedure#auth";

	private WampCraTestSupport() {
	}

	/**
	 * authreq, (deriveKey,) authsign and auth as AutobahnJS does them; returns the
	 * permissions.
	 */
	static JsonNode authenticate(WampTestClient client, String authKey, String secret) throws Exception {
		String challenge = challenge(client, authKey);
		client.send(2, "auth-" + authKey, AUTH, sign(challenge, secret));
		JsonNode result = client.next();
		assertThat(result.get(0).intValue()).as(result.toString()).isEqualTo(3);
		return result.get(2);
	}

	/** authreq; returns the challenge text. */
	static String challenge(WampTestClient client, String authKey) throws Exception {
		client.send(2, "authreq-" + authKey, AUTHREQ, authKey);
		JsonNode challenge = client.next();
		assertThat(challenge.get(0).intValue()).as(challenge.toString()).isEqualTo(3);
		assertThat(challenge.get(2).isString()).as("the challenge is a string").isTrue();
		return challenge.get(2).stringValue();
	}

	/** authsign(challenge, deriveKey(secret, authextra)). */
	static String sign(String challenge, String secret) {
		JsonNode authExtra = WampTestClient.JSON.readTree(challenge).get("authextra");
		String key = (authExtra == null) ? secret
				: pbkdf2(secret, authExtra.get("salt").stringValue(), authExtra.get("iterations").intValue(),
						authExtra.get("keylen").intValue());
		return hmac(key, challenge);
	}

	/** authsign: the Base64 HMAC-SHA256 of the text under the key. */
	public static String hmac(String key, String text) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			return Base64.getEncoder().encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** deriveKey: the Base64 PBKDF2-HMAC-SHA256 key of the secret. */
	public static String pbkdf2(String secret, String salt, int iterations, int keylen) {
		try {
			byte[] key = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
				.generateSecret(new PBEKeySpec(secret.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), iterations,
						keylen * 8))
				.getEncoded();
			return Base64.getEncoder().encodeToString(key);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** A CALL answered: the session's frames before it have been handled. */
	static void barrier(WampTestClient client) throws Exception {
		client.send(2, "barrier", "http://example.com/rpc#echo", "barrier");
		JsonNode answer = client.next();
		assertThat(answer.get(1).stringValue()).as(answer.toString()).isEqualTo("barrier");
	}

	static void assertCallError(JsonNode frame, String callId, String errorUri) {
		assertThat(frame.get(0).intValue()).as(frame.toString()).isEqualTo(4);
		assertThat(frame.get(1).stringValue()).as(frame.toString()).isEqualTo(callId);
		assertThat(frame.get(2).stringValue()).as(frame.toString()).isEqualTo(errorUri);
	}

}
