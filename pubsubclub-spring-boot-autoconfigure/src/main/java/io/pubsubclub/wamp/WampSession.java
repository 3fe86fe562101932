package io.pubsubclub.wamp;

import java.security.Principal;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.auth.WampCraAuthentication;

/**
 * One WAMP client connection, as seen by a {@link WampProcedure procedure} that declares
 * a parameter of this type.
 *
 * @author PubSubClub
 */
public interface WampSession {

	/**
	 * Return the WAMP session id sent in WELCOME, the id used in PUBLISH exclude and
	 * eligible lists.
	 * @return the session id
	 */
	String getId();

	/**
	 * Return the CURIE prefixes the client defined with PREFIX.
	 * @return an unmodifiable snapshot of prefix to URI
	 */
	Map<String, String> getPrefixes();

	/**
	 * Return attributes the application may keep for the lifetime of the session; they
	 * start with the WebSocket handshake attributes.
	 * @return the mutable, thread-safe attributes
	 */
	Map<String, Object> getAttributes();

	/**
	 * Return the principal authenticated on the WebSocket handshake, if any.
	 * @return the principal or {@code null}
	 */
	@Nullable Principal getPrincipal();

	/**
	 * Return the session's WAMP-CRA authentication: the auth key it proved and the
	 * permissions granted.
	 * @return the authentication, or {@code null} when the session has not (yet)
	 * authenticated with WAMP-CRA
	 */
	default @Nullable WampCraAuthentication getCraAuthentication() {
		return null;
	}

	/**
	 * Resolve a CURIE with this session's prefixes; a string whose part before the first
	 * colon is not a known prefix is returned unchanged.
	 * @param curieOrUri a CURIE or a full URI
	 * @return the full URI
	 */
	String resolve(String curieOrUri);

}
