package io.pubsubclub.wamp.auth;

import io.pubsubclub.wamp.WampSession;

/**
 * Decides what a WAMP session may do. A bean of this type replaces the default,
 * {@link DefaultWampAuthorizer}: WAMP-CRA permissions for a session that authenticated
 * with them, the global {@code pubsubclub.wamp.topics} rules for the others. An
 * application decides from the handshake principal ({@link WampSession#getPrincipal()},
 * the Spring Security {@code Authentication} when the WAMP path is secured), from the
 * WAMP-CRA authentication ({@link WampSession#getCraAuthentication()}) or from anything
 * else it knows.
 * <p>
 * Called on the session's I/O thread for SUBSCRIBE and PUBLISH, and before a CALL is
 * handed to the call executor: answer quickly, without blocking. Not called for WAMP-CRA's
 * own two procedures. A refused SUBSCRIBE or PUBLISH is logged and counted (WAMP v1 has
 * no reply for it); a refused CALL is answered with CALLERROR
 * {@value WampCra#ERROR_NOT_AUTHORIZED}. Subscriptions made before the session
 * authenticated are checked again when it does.
 *
 * @author PubSubClub
 */
public interface WampAuthorizer {

	/**
	 * Return whether the session may subscribe to the topic.
	 * @param session the session
	 * @param topic the full topic URI
	 * @return whether to subscribe it
	 */
	boolean maySubscribe(WampSession session, String topic);

	/**
	 * Return whether the session may publish on the topic.
	 * @param session the session
	 * @param topic the full topic URI
	 * @return whether to publish the event
	 */
	boolean mayPublish(WampSession session, String topic);

	/**
	 * Return whether the session may call the procedure.
	 * @param session the session
	 * @param procedure the full procedure URI
	 * @return whether to invoke it
	 */
	boolean mayCall(WampSession session, String procedure);

}
