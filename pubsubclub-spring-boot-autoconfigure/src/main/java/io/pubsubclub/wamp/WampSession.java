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
	 * Return the WAMP version the session speaks.
	 * @return the protocol
	 */
	default WampProtocol getProtocol() {
		return WampProtocol.V1;
	}

	/**
	 * Return who the session authenticated as: a v2 session's WELCOME authid; for a v1
	 * session the WAMP-CRA auth key, else the handshake principal's name.
	 * @return the authid, or {@code null} for an anonymous v1 session
	 */
	default @Nullable String getAuthId() {
		WampCraAuthentication cra = getCraAuthentication();
		if (cra != null) {
			return cra.authKey();
		}
		Principal principal = getPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

	/**
	 * Return the role the session authenticated with: a v2 session's WELCOME authrole.
	 * @return the authrole, {@code null} for a v1 session (v1 has no roles)
	 */
	default @Nullable String getAuthRole() {
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
