package io.pubsubclub.wamp;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The WAMP versions served on the one endpoint, by WebSocket subprotocol. Both share the
 * server's sessions and topic registry; each has its own codec and dispatcher.
 *
 * @author PubSubClub
 */
public enum WampProtocol {

	/** WAMP v1, subprotocol {@code wamp} (and a client that names none). */
	V1("wamp"),

	/** WAMP v2 with JSON, subprotocol {@code wamp.2.json}. */
	V2("wamp.2.json");

	private final String subprotocol;

	WampProtocol(String subprotocol) {
		this.subprotocol = subprotocol;
	}

	/**
	 * Return the WebSocket subprotocol of this version.
	 * @return the subprotocol
	 */
	public String subprotocol() {
		return this.subprotocol;
	}

	/**
	 * Return the value of the {@code protocol} tag of meters: {@code v1} or {@code v2}.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Return the version a WebSocket session negotiated.
	 * @param acceptedProtocol the subprotocol the handshake selected, if any
	 * @return {@link #V2} for {@code wamp.2.json}, {@link #V1} otherwise
	 */
	static WampProtocol of(@Nullable String acceptedProtocol) {
		return V2.subprotocol.equalsIgnoreCase(acceptedProtocol) ? V2 : V1;
	}

}
