package io.pubsubclub.wamp.auth;

import java.net.InetAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The WAMP-CRA state of one session: no request, a request being prepared, a pending
 * challenge (one try), authenticated, or locked after too many failures. Kept by the WAMP
 * server with the session; only {@link WampCraAuthenticator} changes it.
 *
 * @author PubSubClub
 */
public final class WampAuthState {

	enum Phase {

		NONE, REQUESTING, CHALLENGED, AUTHENTICATED, LOCKED

	}

	// guarded by this
	private Phase phase = Phase.NONE;

	// guarded by this
	private @Nullable Pending pending;

	// guarded by this
	private int failures;

	private volatile @Nullable WampCraAuthentication authentication;

	private volatile @Nullable ScheduledFuture<?> timeout;

	private final @Nullable InetAddress remoteAddress;

	// INFO lines logged about this session's refusals
	private final AtomicInteger refusalLines = new AtomicInteger();

	/**
	 * Create the state of a session whose remote address is unknown: WAMP-CRA failures
	 * are then limited per auth key only.
	 */
	public WampAuthState() {
		this(null);
	}

	/**
	 * Create the state of a session.
	 * @param remoteAddress the address the session comes from, for limiting WAMP-CRA
	 * failures per address
	 */
	public WampAuthState(@Nullable InetAddress remoteAddress) {
		this.remoteAddress = remoteAddress;
	}

	@Nullable InetAddress remoteAddress() {
		return this.remoteAddress;
	}

	AtomicInteger refusalLines() {
		return this.refusalLines;
	}

	/**
	 * Return the session's WAMP-CRA authentication.
	 * @return the authentication, or {@code null} until {@code auth} succeeded
	 */
	public @Nullable WampCraAuthentication getAuthentication() {
		return this.authentication;
	}

	/**
	 * Return whether the session failed authentication too often and is being closed.
	 * @return whether the session is locked
	 */
	public synchronized boolean isLocked() {
		return this.phase == Phase.LOCKED;
	}

	/**
	 * Cancel the authentication timeout, if any: the session authenticated otherwise or
	 * is closing.
	 */
	public void cancelTimeout() {
		ScheduledFuture<?> timeout = this.timeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

	synchronized Phase phase() {
		return this.phase;
	}

	/**
	 * Move from NONE to REQUESTING; otherwise return the phase that prevents it.
	 */
	synchronized @Nullable Phase startRequest() {
		if (this.phase != Phase.NONE) {
			return this.phase;
		}
		this.phase = Phase.REQUESTING;
		return null;
	}

	synchronized void challenged(Pending pending) {
		if (this.phase == Phase.REQUESTING) {
			this.phase = Phase.CHALLENGED;
			this.pending = pending;
		}
	}

	synchronized void requestFailed() {
		if (this.phase == Phase.REQUESTING) {
			this.phase = Phase.NONE;
		}
	}

	/**
	 * Take the pending challenge (one try), or return {@code null} with the phase
	 * unchanged when there is none.
	 */
	synchronized @Nullable Pending takePending() {
		Pending pending = this.pending;
		if (this.phase != Phase.CHALLENGED || pending == null) {
			return null;
		}
		this.pending = null;
		this.phase = Phase.NONE;
		return pending;
	}

	synchronized void authenticated(WampCraAuthentication authentication) {
		this.phase = Phase.AUTHENTICATED;
		this.authentication = authentication;
	}

	/**
	 * Count a failure; at the limit the session is locked.
	 * @return whether this failure reached the limit
	 */
	synchronized boolean failed(int maxFailures) {
		this.failures++;
		if (this.failures >= maxFailures && this.phase != Phase.AUTHENTICATED) {
			this.phase = Phase.LOCKED;
			this.pending = null;
			return true;
		}
		return false;
	}

	synchronized int failures() {
		return this.failures;
	}

	void timeout(ScheduledFuture<?> timeout) {
		this.timeout = timeout;
	}

	/**
	 * A challenge sent and the signature it expects.
	 */
	record Pending(String authKey, String expectedSignature, WampCraPermissions permissions) {

		@Override
		public String toString() {
			return "Pending[" + this.authKey + "]";
		}

	}

}
