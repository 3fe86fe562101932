package io.pubsubclub.wamp.auth;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.WampSession;

/**
 * The challenges {@link WampCraAuthenticator} sends, as Autobahn writes them, and the
 * signature each one expects:
 * <ul>
 * <li>v1 ({@code authreq}'s answer): the JSON text of {@code {authid, authkey, timestamp,
 * sessionid, extra, permissions}}, plus {@code authextra} ({@code {salt, iterations,
 * keylen}}) for a salted secret;</li>
 * <li>v2 (the CHALLENGE's Extra): {@code challenge}, the JSON text of {@code {authid,
 * authrole, authmethod, authprovider, nonce, timestamp, session}}, and {@code salt},
 * {@code iterations}, {@code keylen} for a salted secret.</li>
 * </ul>
 * Each challenge carries a fresh id of 16 random letters and digits from a
 * {@link SecureRandom} (v1's {@code authid}, v2's {@code nonce}), so that no challenge,
 * and no signature, is ever asked for twice. The expected signature is HMAC-SHA256 of
 * the challenge text exactly as sent.
 *
 * @author PubSubClub
 */
final class CraChallenges {

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		.toCharArray();

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final SecureRandom random;

	private final JsonMapper jsonMapper;

	CraChallenges(SecureRandom random, JsonMapper jsonMapper) {
		this.random = random;
		this.jsonMapper = jsonMapper;
	}

	String v1(WampSession session, String authKey, JsonNode extra, WampCraCredential credential) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("authid", newId());
		info.put("authkey", authKey);
		info.put("timestamp", TIMESTAMP.format(Instant.now()));
		info.put("sessionid", session.getId());
		info.put("extra", extra);
		info.put("permissions", credential.getPermissions().toMap());
		Map<String, Object> authExtra = credential.authExtra();
		if (authExtra != null) {
			info.put("authextra", authExtra);
		}
		return this.jsonMapper.writeValueAsString(info);
	}

	String v2(String authid, String authrole, long sessionId) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("authid", authid);
		info.put("authrole", authrole);
		info.put("authmethod", "wampcra");
		info.put("authprovider", "static");
		info.put("nonce", newId());
		info.put("timestamp", TIMESTAMP.format(Instant.now()));
		info.put("session", sessionId);
		return this.jsonMapper.writeValueAsString(info);
	}

	static Map<String, Object> v2Extra(String challenge, WampCraCredential credential) {
		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("challenge", challenge);
		Map<String, Object> authExtra = credential.authExtra();
		if (authExtra != null) {
			extra.putAll(authExtra);
		}
		return extra;
	}

	static WampAuthState.Pending pending(String authKey, String challenge, WampCraCredential credential) {
		return new WampAuthState.Pending(authKey, WampCraCrypto.sign(challenge, credential.key()),
				credential.getPermissions());
	}

	private String newId() {
		char[] id = new char[16];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

}
