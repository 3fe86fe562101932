package io.pubsubclub.wamp.auth;

/**
 * The URIs of WAMP-CRA as Autobahn 0.8 serves it: the two procedures and the error URIs
 * of their CALLERRORs, and the error URI of a refused call.
 *
 * @author PubSubClub
 */
public final class WampCra {

	/**
	 * Procedure that starts an authentication: {@code authreq(authKey, extra)} answers
	 * the challenge, a string.
	 */
	public static final String PROCEDURE_AUTHREQ = "http://api.wamp.ws/procedure#authreq";

	/**
	 * Procedure that completes it: {@code auth(signature)} answers the permissions.
	 */
	public static final String PROCEDURE_AUTH = "http://api.wamp.ws/procedure#auth";

	/**
	 * The session has authenticated already.
	 */
	public static final String ERROR_ALREADY_AUTHENTICATED = "http://api.wamp.ws/error#already-authenticated";

	/**
	 * A challenge is pending (or being prepared): answer it before asking again.
	 */
	public static final String ERROR_AUTHENTICATION_ALREADY_REQUESTED = "http://api.wamp.ws/error#authentication-already-requested";

	/**
	 * {@code auth} without a pending challenge (none asked, or the one try was spent).
	 */
	public static final String ERROR_NO_AUTHENTICATION_REQUESTED = "http://api.wamp.ws/error#no-authentication-requested";

	/**
	 * The auth key is not known.
	 */
	public static final String ERROR_NO_SUCH_AUTHKEY = "http://api.wamp.ws/error#no-such-authkey";

	/**
	 * The signature does not match the challenge; answered after a random delay.
	 */
	public static final String ERROR_INVALID_SIGNATURE = "http://api.wamp.ws/error#invalid-signature";

	/**
	 * {@code authreq} with a {@code null} auth key: anonymous authentication is not
	 * offered.
	 */
	public static final String ERROR_ANONYMOUS_AUTH_FORBIDDEN = "http://api.wamp.ws/error#anonymous-auth-forbidden";

	/**
	 * Too many failed attempts for the auth key or from the remote address, across
	 * sessions: the attempt was refused unseen; the description says when to retry. Not
	 * in Autobahn 0.8, whose clients show it as any other error.
	 */
	public static final String ERROR_TOO_MANY_FAILURES = "http://api.wamp.ws/error#too-many-failures";

	/**
	 * An argument of the wrong kind: a non-string auth key or signature, a non-object
	 * extra, too many arguments, an auth key over the length limit.
	 */
	public static final String ERROR_INVALID_ARGUMENT = "http://api.wamp.ws/error#invalid-argument";

	/**
	 * The credentials source failed while preparing the challenge.
	 */
	public static final String ERROR_AUTH_PERMISSIONS_ERROR = "http://api.wamp.ws/error#auth-permissions-error";

	/**
	 * A CALL the session may not make: not authenticated where authentication is
	 * required, refused by the {@link WampAuthorizer}, or denied by Spring Security's
	 * method security ({@code @PreAuthorize}).
	 */
	public static final String ERROR_NOT_AUTHORIZED = "http://api.wamp.ws/error#not-authorized";

	private WampCra() {
	}

}
