package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;

/**
 * What a WAMP v2 session adds to the shared session model: where it is in the opening
 * handshake (HELLO, CHALLENGE, WELCOME) and who it joined as. The session's id, the
 * integer sent in WELCOME, is {@link WampServerSession#getId()} in decimal, so that v2
 * ids sit in the same exclude and eligible sets as v1 ones and cross the cluster as
 * their decimal strings.
 * <p>
 * The phase is written by the session's own message thread only; the identity is read
 * by publishers on other threads (authid and authrole lists), hence volatile.
 *
 * @author PubSubClub
 */
final class Wamp2State {

	/**
	 * Where a v2 session is.
	 */
	enum Phase {

		/** Open, waiting for HELLO: anything else is a protocol violation. */
		HELLO_AWAITED,

		/** HELLO answered with CHALLENGE: only AUTHENTICATE may come. */
		CHALLENGED,

		/** WELCOME sent: the session may use the broker and dealer. */
		JOINED,

		/** ABORT or GOODBYE sent: nothing more is read. */
		LEFT

	}

	private final long id;

	// the dealer's: invocations of client procedures this session has outstanding, and
	// the procedures it registered
	private final java.util.concurrent.atomic.AtomicInteger invocationsOutstanding = new java.util.concurrent.atomic.AtomicInteger();

	private final java.util.Set<Long> registrations = java.util.concurrent.ConcurrentHashMap.newKeySet();

	private volatile Phase phase = Phase.HELLO_AWAITED;

	private volatile @Nullable String authid;

	private volatile @Nullable String authrole;

	private volatile @Nullable String authmethod;

	// the CHALLENGE sent and the key it is for, while CHALLENGED
	private volatile @Nullable Object challenge;

	Wamp2State(long id) {
		this.id = id;
	}

	long id() {
		return this.id;
	}

	java.util.concurrent.atomic.AtomicInteger invocationsOutstanding() {
		return this.invocationsOutstanding;
	}

	java.util.Set<Long> registrations() {
		return this.registrations;
	}

	Phase phase() {
		return this.phase;
	}

	void phase(Phase phase) {
		this.phase = phase;
	}

	boolean isJoined() {
		return this.phase == Phase.JOINED;
	}

	void joined(String authid, String authrole, String authmethod) {
		this.authid = authid;
		this.authrole = authrole;
		this.authmethod = authmethod;
		this.phase = Phase.JOINED;
	}

	@Nullable String authid() {
		return this.authid;
	}

	@Nullable String authrole() {
		return this.authrole;
	}

	@Nullable String authmethod() {
		return this.authmethod;
	}

	@Nullable Object challenge() {
		return this.challenge;
	}

	void challenge(@Nullable Object challenge) {
		this.challenge = challenge;
	}

}
