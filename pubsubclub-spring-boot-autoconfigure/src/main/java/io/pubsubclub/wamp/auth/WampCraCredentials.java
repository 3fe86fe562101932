package io.pubsubclub.wamp.auth;

import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * Where WAMP-CRA credentials come from: a bean of this type replaces the one built from
 * {@code pubsubclub.wamp.auth.users}. Called on the WAMP call executor, never on the
 * session's I/O thread, so a lookup may block (a database query) without holding up the
 * session's other messages; a lookup that is asynchronous anyway returns a stage that
 * completes later.
 *
 * @author PubSubClub
 */
@FunctionalInterface
public interface WampCraCredentials {

	/**
	 * Find the credential of an auth key.
	 * @param authKey the auth key the client asked to authenticate as (a user or
	 * application name); never {@code null}
	 * @param extra the {@code extra} object of the client's {@code authreq}, empty when it
	 * sent none
	 * @return a stage that completes with the credential, with {@code null} when the key
	 * is not known (CALLERROR {@code no-such-authkey}), or exceptionally when the lookup
	 * fails (CALLERROR {@code auth-permissions-error})
	 */
	CompletionStage<@Nullable WampCraCredential> find(String authKey, Map<String, Object> extra);

}
