package io.pubsubclub.cluster.transport;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.DialledServer;
import io.pubsubclub.cluster.NodeIdentity;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.PeerLink;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PingMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;

/**
 * Dials one server for one role and keeps dialling it, with back-off, until it is
 * removed; pings the open link and closes it when a pong does not come in time.
 * <p>
 * The dialer's lock guards its own fields only: sessions are closed and dials started
 * after it is released, on the client's close threads, never on the scheduler's; a ping
 * is queued on the scheduler's tick (the link's transport never blocks a sender). A ping
 * is late when no pong came within one ping interval of sending it, measured on the
 * clock, so that ticks the timer runs back to back after a delay do not count as missed
 * pongs; and no ping follows another within half an interval, so that such ticks do not
 * send a burst of pings either.
 *
 * @author PubSubClub
 */
final class Dialer implements DialledServer {

	private static final Log logger = LogFactory.getLog(Dialer.class);

	private static final long MIN_SIGHTED_DIAL_NANOS = 1_000_000_000L;

	private static final CloseStatus PING_TIMEOUT = new CloseStatus(4002, "ping timeout");

	private final ClusterClient client;

	private final PeerAddress server;

	private final ClusterState.Role role;

	private final AtomicLong attempts = new AtomicLong();

	private BackOffExecution backOff;

	private volatile ClusterState.Status status = ClusterState.Status.CONNECTING;

	private volatile @Nullable Instant nextAttempt;

	private volatile @Nullable String lastError;

	private @Nullable WebSocketSession session;

	private @Nullable ScheduledFuture<?> retry;

	private @Nullable ScheduledFuture<?> pinger;

	// when the ping still unanswered was sent, 0 when none is
	private volatile long pingSentNanos;

	private volatile long lastPongNanos;

	// when the last ping was sent
	private volatile long lastPingNanos;

	private boolean stopped;

	private boolean immediate;

	private long lastConnectNanos;

	private volatile @Nullable PeerLink link;

	private volatile java.net.@Nullable InetAddress lastRemote;

	// the last link was a duplicate of another link to the same node: wait for that to go
	private boolean parked;

	private boolean duplicateReleased;

	Dialer(ClusterClient client, PeerAddress server, ClusterState.Role role) {
		this.client = client;
		this.server = server;
		this.role = role;
		this.backOff = client.backOff().start();
	}

	void connect() {
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			this.retry = null;
			this.status = ClusterState.Status.CONNECTING;
			this.nextAttempt = null;
		}
		if (this.attempts.incrementAndGet() > 1) {
			this.client.cluster().reconnectAttempted();
		}
		this.lastConnectNanos = System.nanoTime();
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add(ClusterServer.ROLE_HEADER, this.role.name().toLowerCase(Locale.ROOT));
		headers.add(NodeIdentity.HEADER,
				this.client.cluster().identity().requestHeader(this.client.cluster().serverPort()));
		// the session is the starter's own client transport's, which queues and writes
		// frames itself (LinkHandler takes its sender)
		LinkHandler handler = new LinkHandler(this.client.settings(), this.client.closer(), new DialledHooks(), null,
				false);
		try {
			this.client.webSocketClient()
				.execute(handler, headers, this.server.toUri())
				.whenComplete((session, ex) -> {
					if (ex != null) {
						failed(describe(ex));
					}
				});
		}
		catch (RuntimeException ex) {
			failed(describe(ex));
		}
	}

	private static String describe(Throwable ex) {
		Throwable cause = ex;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ((cause.getMessage() != null) ? ": " + cause.getMessage() : "");
	}

	private synchronized void failed(String error) {
		this.lastError = error;
		if (logger.isDebugEnabled()) {
			logger.debug("Dialling " + this.server + " as " + this.role.name().toLowerCase(Locale.ROOT) + " failed: "
					+ error);
		}
		scheduleRetry();
	}

	private void scheduleRetry() {
		if (this.stopped || this.retry != null) {
			return;
		}
		long delay = this.immediate ? 0 : this.backOff.nextBackOff();
		this.immediate = false;
		if (delay == BackOffExecution.STOP) {
			delay = this.client.settings().maxReconnectDelay().toMillis();
		}
		Instant next = Instant.now().plusMillis(delay);
		this.status = ClusterState.Status.BACKING_OFF;
		this.nextAttempt = next;
		this.retry = this.client.scheduler().schedule(this::connect, next);
	}

	void opened(WebSocketSession session, PeerLink link) {
		synchronized (this) {
			if (!this.stopped) {
				this.session = session;
				this.link = link;
				java.net.InetSocketAddress remote = session.getRemoteAddress();
				if (remote != null) {
					this.lastRemote = remote.getAddress();
				}
				this.pingSentNanos = 0;
				this.lastPongNanos = System.nanoTime();
				this.lastPingNanos = this.lastPongNanos - this.client.settings().pingInterval().toNanos();
				this.pinger = this.client.scheduler()
					.scheduleWithFixedDelay(this::ping, Instant.now().plus(this.client.settings().pingInterval()),
							this.client.settings().pingInterval());
				return;
			}
		}
		this.client.closer().close(session, CloseStatus.GOING_AWAY);
	}

	// on the scheduler: decides only, what blocks runs elsewhere; nothing may escape it,
	// or the timer would stop pinging for good
	private void ping() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			logger.debug("Ping of " + this.server + " failed", ex);
		}
	}

	private void tick() {
		WebSocketSession session;
		synchronized (this) {
			session = this.session;
		}
		if (session == null || !session.isOpen()) {
			return;
		}
		long now = System.nanoTime();
		long sent = this.pingSentNanos;
		if (sent != 0) {
			if (now - sent < this.client.settings().pingInterval().toNanos()) {
				// a tick run late, right after the one that sent the ping
				return;
			}
			if (this.pingSentNanos != sent) {
				// the pong came while this tick looked
				return;
			}
			logger.warn("No pong from " + this.server + " for "
					+ Duration.ofNanos(Math.max(0, now - this.lastPongNanos)).toMillis() + " ms; closing the link");
			this.lastError = "ping timeout";
			this.client.closer().close(session, PING_TIMEOUT);
			return;
		}
		if (now - this.lastPingNanos < this.client.settings().pingInterval().toNanos() / 2) {
			// a tick run late, back to back with the one that pinged, after the pong came:
			// one ping per interval, however the timer catches up
			return;
		}
		this.pingSentNanos = now;
		this.lastPingNanos = now;
		// queued for the link's writing thread: never blocks this timer
		sendPing(session);
	}

	private void sendPing(WebSocketSession session) {
		try {
			session.sendMessage(new PingMessage());
		}
		catch (IOException | RuntimeException ex) {
			this.lastError = "ping failed: " + ex.getMessage();
			Closer.closeNow(session, CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	void pong() {
		this.lastPongNanos = System.nanoTime();
		this.pingSentNanos = 0;
	}

	synchronized void closed(WebSocketSession session, PeerLink link, CloseStatus status) {
		if (this.session != session) {
			// told already, or a session from before a reconnect
			return;
		}
		this.session = null;
		if (this.pinger != null) {
			this.pinger.cancel(false);
			this.pinger = null;
		}
		if (link.isSelfLink() || status.getCode() == PeerLink.SELF_LINK) {
			this.stopped = true;
			this.status = ClusterState.Status.CLOSED;
			// outside this dialer's lock: the client locks itself, then its dialers
			this.client.scheduler().schedule(() -> this.client.selfLink(this.server), Instant.now());
			return;
		}
		if (link.isDuplicate()) {
			this.lastError = link.lastError();
			if (!this.duplicateReleased) {
				this.parked = true;
				this.status = ClusterState.Status.DUPLICATE;
				this.nextAttempt = null;
				return;
			}
			this.duplicateReleased = false;
			this.immediate = true;
			scheduleRetry();
			return;
		}
		String linkError = link.lastError();
		this.lastError = (linkError != null) ? linkError : "closed " + status.getCode()
				+ ((status.getReason() != null && !status.getReason().isEmpty()) ? " " + status.getReason() : "");
		if (!this.stopped && logger.isInfoEnabled()) {
			logger.info("Link " + link + " closed (" + status.getCode() + "); dialling again");
		}
		scheduleRetry();
	}

	/**
	 * Stop dialling. The open session, if any, is returned for the caller to close once
	 * no lock is held: Tomcat reports the close inline, and the link and this dialer
	 * lock themselves to handle it.
	 * @return the session to close
	 */
	@Nullable WebSocketSession stop() {
		synchronized (this) {
			this.stopped = true;
			if (this.retry != null) {
				this.retry.cancel(false);
				this.retry = null;
			}
			if (this.pinger != null) {
				this.pinger.cancel(false);
				this.pinger = null;
			}
			return this.session;
		}
	}

	/**
	 * The server was heard to be alive: if waiting out the back-off, dial now (no sooner
	 * than a second, or the reconnect delay if shorter, after the last attempt). The
	 * back-off itself goes on as before, so a server that is really down is dialled once
	 * more per sighting at most.
	 */
	synchronized void dialNow() {
		if (this.stopped || this.session != null || this.retry == null) {
			return;
		}
		// one attempt per sighting, and no more than one a second whatever the sightings
		long sinceLast = System.nanoTime() - this.lastConnectNanos;
		long floor = Math.min(this.client.settings().reconnectDelay().toNanos(), MIN_SIGHTED_DIAL_NANOS);
		long wait = Math.max(0, floor - sinceLast);
		Instant next = Instant.now().plusNanos(wait);
		Instant due = this.nextAttempt;
		if (due != null && !next.isBefore(due)) {
			return;
		}
		this.retry.cancel(false);
		logger.info("Cluster server " + this.server + " is back; dialling it as "
				+ this.role.name().toLowerCase(Locale.ROOT) + " now instead of after its back-off");
		this.nextAttempt = next;
		this.retry = this.client.scheduler().schedule(this::connect, next);
	}

	/**
	 * Return whether this dialer's server is the peer heard from.
	 */
	boolean matches(@Nullable Long nodeId, java.net.@Nullable InetAddress host, @Nullable Integer clusterPort) {
		PeerLink link = this.link;
		Long knownId = (link != null) ? link.farNodeId() : null;
		io.pubsubclub.cluster.NodeIdentity.FarNode far = (link != null) ? link.farNode() : null;
		if (knownId == null && far != null) {
			knownId = far.nodeId();
		}
		if (nodeId != null && nodeId.equals(knownId)) {
			return true;
		}
		if (host == null || clusterPort == null || clusterPort != this.server.port()) {
			return false;
		}
		if (host.equals(this.lastRemote)) {
			return true;
		}
		try {
			for (java.net.InetAddress address : java.net.InetAddress.getAllByName(this.server.host())) {
				if (address.equals(host)) {
					return true;
				}
			}
		}
		catch (java.net.UnknownHostException ex) {
			// not resolvable now: not a match
		}
		return false;
	}

	void reconnect() {
		WebSocketSession session;
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			session = this.session;
			if (session != null) {
				this.immediate = true;
			}
			else if (this.retry != null) {
				this.retry.cancel(false);
				this.retry = null;
			}
			else if (this.parked) {
				// asked for: dial it, though it may well be a duplicate again
				this.parked = false;
			}
			else {
				return;
			}
		}
		if (session != null) {
			this.client.closer().close(session, CloseStatus.GOING_AWAY);
		}
		else {
			connect();
		}
	}

	@Override
	public PeerAddress server() {
		return this.server;
	}

	@Override
	public ClusterState.Role role() {
		return this.role;
	}

	@Override
	public ClusterState.Status status() {
		return this.status;
	}

	@Override
	public @Nullable Instant nextAttempt() {
		return this.nextAttempt;
	}

	@Override
	public long attempts() {
		return this.attempts.get();
	}

	@Override
	public @Nullable String lastError() {
		return this.lastError;
	}

	@Override
	public synchronized void linkReady() {
		this.backOff = this.client.backOff().start();
		this.lastError = null;
		this.duplicateReleased = false;
	}

	@Override
	public void duplicateReleased() {
		synchronized (this) {
			if (this.stopped) {
				return;
			}
			if (!this.parked) {
				// told before the duplicate link's close came through
				this.duplicateReleased = true;
				return;
			}
			this.parked = false;
		}
		if (logger.isInfoEnabled()) {
			logger.info("The link that " + this.server + " duplicated went away; dialling " + this.server);
		}
		// dialled with no lock held
		connect();
	}

	private final class DialledHooks implements LinkHandler.Hooks {

		@Override
		public PeerLink create(WebSocketSession session) {
			PeerLink link = Dialer.this.client.cluster().dialled(Dialer.this);
			link.identified(NodeIdentity.parse(ClusterWebSocketClient.responseHeader(session, NodeIdentity.HEADER)));
			return link;
		}

		@Override
		public void opened(WebSocketSession session, PeerLink link) {
			Dialer.this.opened(session, link);
		}

		@Override
		public void pong(WebSocketSession session) {
			Dialer.this.pong();
		}

		@Override
		public void closed(WebSocketSession session, PeerLink link, CloseStatus status) {
			Dialer.this.closed(session, link, status);
		}

	}

}
