package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;

/**
 * The WAMP v1 message types and their type codes.
 *
 * @author PubSubClub
 */
public enum WampMessageType {

	/** {@code [0, sessionId, protocolVersion, serverIdent]}. */
	WELCOME(0),

	/** {@code [1, prefix, uri]}. */
	PREFIX(1),

	/** {@code [2, callId, procUri, arg, ...]}. */
	CALL(2),

	/** {@code [3, callId, result]}. */
	CALLRESULT(3),

	/** {@code [4, callId, errorUri, errorDesc(, errorDetails)]}. */
	CALLERROR(4),

	/** {@code [5, topic]}. */
	SUBSCRIBE(5),

	/** {@code [6, topic]}. */
	UNSUBSCRIBE(6),

	/** {@code [7, topic, event(, excludeMe | exclude(, eligible))]}. */
	PUBLISH(7),

	/** {@code [8, topic, event]}. */
	EVENT(8);

	private static final WampMessageType[] BY_CODE = values();

	private final int code;

	WampMessageType(int code) {
		this.code = code;
	}

	/**
	 * Return the type code, element 0 of the message.
	 * @return the type code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the message type of a code.
	 * @param code a type code
	 * @return the type or {@code null} for an unknown code
	 */
	public static @Nullable WampMessageType of(int code) {
		return (code >= 0 && code < BY_CODE.length) ? BY_CODE[code] : null;
	}

}
