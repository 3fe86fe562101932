package io.pubsubclub.wamp;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.WebSocketSession;

/**
 * The open sessions of both versions by id: opening a session (its id) and closing it.
 * <p>
 * Invariants: a session is in the table from {@link #open} until {@link #close}, and its id
 * is unique among the open sessions (an id drawn twice is drawn again). A v1 id is 16
 * characters of a 64-character alphabet (96 random bits), a v2 id a random integer in
 * [1, 2^53] whose decimal text is its id here, both from a {@link SecureRandom}, so that
 * a client cannot guess another session's id for an exclude or eligible list. Closing is
 * done once ({@link WampServerSession#markClosed()}) whoever calls it, and takes the
 * session out of every topic before it leaves the table. The table holds what the
 * container lets connect: the handshake's and Tomcat's connection limits bound it.
 *
 * @author PubSubClub
 */
final class WampSessions {

	private static final char[] ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		.toCharArray();

	private final SecureRandom random = new SecureRandom();

	private final Map<String, WampServerSession> sessions = new ConcurrentHashMap<>();

	private final WampServerMetrics metrics;

	private final SessionLimits limits;

	private final WampTopicRegistry registry;

	WampSessions(WampServerMetrics metrics, SessionLimits limits, WampTopicRegistry registry) {
		this.metrics = metrics;
		this.limits = limits;
		this.registry = registry;
	}

	int count() {
		return this.sessions.size();
	}

	boolean contains(String sessionId) {
		return this.sessions.containsKey(sessionId);
	}

	/**
	 * Return the session a publish by application code names as its publisher,
	 * {@code null} when it has closed.
	 * @throws IllegalArgumentException when it is not a session of this table
	 */
	@Nullable WampServerSession publisher(WampSession publisher) {
		if (!(publisher instanceof WampServerSession session) || !contains(session.getId()) && !session.isClosed()) {
			throw new IllegalArgumentException("Session " + publisher.getId() + " is not a session of this server");
		}
		return session.isClosed() ? null : session;
	}

	/**
	 * Open a session of either version, with a new id.
	 */
	WampServerSession open(WebSocketSession webSocket, WampProtocol protocol) {
		while (true) {
			WampServerSession session;
			if (protocol == WampProtocol.V2) {
				long id = 1 + this.random.nextLong(WampPublication.MAX_ID);
				session = new WampServerSession(Long.toString(id), webSocket, this.limits.publishRate,
						this.limits.publishBurst, new Wamp2State(id));
			}
			else {
				session = new WampServerSession(newSessionId(), webSocket, this.limits.publishRate,
						this.limits.publishBurst);
			}
			if (this.sessions.putIfAbsent(session.getId(), session) == null) {
				this.metrics.sessionOpened(protocol);
				return session;
			}
		}
	}

	/**
	 * Close a session: its calls dropped, its subscriptions gone, out of the table; a
	 * second call does nothing.
	 */
	void close(WampServerSession session) {
		if (!session.markClosed()) {
			return;
		}
		int dropped = session.calls().close();
		if (dropped > 0) {
			this.metrics.callsDropped(dropped);
		}
		this.registry.unsubscribeAll(session);
		this.sessions.remove(session.getId(), session);
		this.metrics.sessionClosed(session.protocol());
	}

	private String newSessionId() {
		char[] id = new char[16];
		for (int i = 0; i < id.length; i++) {
			id[i] = ID_ALPHABET[this.random.nextInt(ID_ALPHABET.length)];
		}
		return new String(id);
	}

}
