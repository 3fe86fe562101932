package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;

/**
 * The WAMP v2 message types this server knows, by code.
 *
 * @author PubSubClub
 */
public enum Wamp2MessageType {

	/** {@code [1, Realm, Details]}. */
	HELLO(1),

	/** {@code [2, Session, Details]}. */
	WELCOME(2),

	/** {@code [3, Details, Reason]}. */
	ABORT(3),

	/** {@code [4, AuthMethod, Extra]}. */
	CHALLENGE(4),

	/** {@code [5, Signature, Extra]}. */
	AUTHENTICATE(5),

	/** {@code [6, Details, Reason]}. */
	GOODBYE(6),

	/** {@code [8, RequestType, Request, Details, Error(, Arguments(, ArgumentsKw))]}. */
	ERROR(8),

	/** {@code [16, Request, Options, Topic(, Arguments(, ArgumentsKw))]}. */
	PUBLISH(16),

	/** {@code [17, Request, Publication]}. */
	PUBLISHED(17),

	/** {@code [32, Request, Options, Topic]}. */
	SUBSCRIBE(32),

	/** {@code [33, Request, Subscription]}. */
	SUBSCRIBED(33),

	/** {@code [34, Request, Subscription]}. */
	UNSUBSCRIBE(34),

	/** {@code [35, Request]}. */
	UNSUBSCRIBED(35),

	/** {@code [36, Subscription, Publication, Details(, Arguments(, ArgumentsKw))]}. */
	EVENT(36),

	/** {@code [48, Request, Options, Procedure(, Arguments(, ArgumentsKw))]}. */
	CALL(48),

	/** {@code [50, Request, Details(, Arguments(, ArgumentsKw))]}. */
	RESULT(50),

	/** {@code [64, Request, Options, Procedure]}. */
	REGISTER(64),

	/** {@code [65, Request, Registration]}. */
	REGISTERED(65),

	/** {@code [66, Request, Registration]}. */
	UNREGISTER(66),

	/** {@code [67, Request]}. */
	UNREGISTERED(67),

	/** {@code [68, Request, Registration, Details(, Arguments(, ArgumentsKw))]}. */
	INVOCATION(68),

	/** {@code [70, Request, Options(, Arguments(, ArgumentsKw))]}. */
	YIELD(70);

	private final int code;

	Wamp2MessageType(int code) {
		this.code = code;
	}

	/**
	 * Return the type's code, element 0 of the message.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Return the type of a code.
	 * @param code the code
	 * @return the type, or {@code null} for a code this server does not know
	 */
	public static @Nullable Wamp2MessageType of(int code) {
		for (Wamp2MessageType type : values()) {
			if (type.code == code) {
				return type;
			}
		}
		return null;
	}

}
