package io.pubsubclub.benchmarks.load;

import java.io.IOException;

/**
 * The load program's WAMP v2 clients ({@code --wamp2}): the same publisher and subscribers
 * as for v1, speaking {@code wamp.2.json} to the same nodes. Each connection sends HELLO
 * for the node's default realm and waits (bounded) for its WELCOME; a subscriber then sends
 * SUBSCRIBE (its SUBSCRIBED, a text without a timestamp, is passed over by
 * {@link Subscribers}); the publisher sends {@code [16, 1, {}, topic, [EVENT]]}: one
 * argument, no acknowledgement, so the request id is never in flight and one id serves.
 * The event is the v1 benchmark's event, so a v2 EVENT ({@code [36, Subscription,
 * Publication, {}, [EVENT]]}) carries the timestamp and sequence within the first bytes that
 * {@link RawWebSocket} scans, and v1 and v2 rows compare the same work.
 */
final class Wamp2Clients {

	static final String SUBPROTOCOL = "wamp.2.json";

	/** The sample app's realm (pubsubclub.wamp.v2.realm's default). */
	private static final String REALM = "realm1";

	private static final long WELCOME_TIMEOUT_MILLIS = 5000;

	private Wamp2Clients() {
	}

	/** Opens a v2 connection, sends HELLO and waits for the WELCOME. */
	static RawWebSocket join(int port, String path) throws IOException {
		RawWebSocket ws = RawWebSocket.open(port, path, SUBPROTOCOL, 5000);
		try {
			ws.sendText("[1,\"" + REALM + "\",{\"roles\":{\"subscriber\":{},\"publisher\":{}}}]");
			String welcome = ws.awaitFirstText(WELCOME_TIMEOUT_MILLIS);
			if (!welcome.startsWith("[2,")) {
				throw new IOException("expected a v2 WELCOME, got " + welcome.substring(0, Math.min(60, welcome.length())));
			}
			return ws;
		}
		catch (IOException | RuntimeException ex) {
			ws.close();
			throw ex;
		}
	}

	/** A joined subscriber of the topic (SUBSCRIBE sent; the SUBSCRIBED comes to the reader). */
	static RawWebSocket subscriber(int port, String path, String topic) throws IOException {
		RawWebSocket ws = join(port, path);
		try {
			ws.sendText("[32,1,{},\"" + topic + "\"]");
			return ws;
		}
		catch (IOException ex) {
			ws.close();
			throw ex;
		}
	}

	/** A publisher of v2 PUBLISH frames on a joined connection. */
	static Publisher publisher(RawWebSocket joined, String topic, int frameSize) throws IOException {
		return new Publisher(joined, "[16,1,{},\"" + topic + "\",[", "]]", frameSize);
	}

}
