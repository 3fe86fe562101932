package io.pubsubclub.cluster.transport;

import java.io.IOException;
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
 *
 * @author PubSubClub
 */
final class Dialer implements DialledServer {

	private static final Log logger = LogFactory.getLog(Dialer.class);

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

	private volatile boolean awaitingPong;

	private boolean stopped;

	private boolean immediate;

	// the last link was a duplicate of another link to the same node: wait for that to go
	private boolean parked;

	private boolean duplicateReleased;

	Dialer(ClusterClient client, PeerAddress server, ClusterState.Role role) {
		this.client = client;
		this.server = server;
		this.role = role;
		this.backOff = client.backOff().start();
	}

	synchronized void connect() {
		if (this.stopped) {
			return;
		}
		this.retry = null;
		this.status = ClusterState.Status.CONNECTING;
		this.nextAttempt = null;
		if (this.attempts.incrementAndGet() > 1) {
			this.client.cluster().reconnectAttempted();
		}
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.add(ClusterServer.ROLE_HEADER, this.role.name().toLowerCase(Locale.ROOT));
		headers.add(NodeIdentity.HEADER,
				this.client.cluster().identity().requestHeader(this.client.cluster().serverPort()));
		// Tomcat's client blocks in its "asynchronous" send: every write goes through the
		// send executor, batched
		LinkHandler handler = new LinkHandler(this.client.settings(), this.client.scheduler(), new DialledHooks(),
				this.client.sendExecutor(), false);
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

	synchronized void opened(WebSocketSession session) {
		if (this.stopped) {
			close(session, CloseStatus.GOING_AWAY);
			return;
		}
		this.session = session;
		this.awaitingPong = false;
		this.pinger = this.client.scheduler()
			.scheduleAtFixedRate(this::ping, Instant.now().plus(this.client.settings().pingInterval()),
					this.client.settings().pingInterval());
	}

	private void ping() {
		WebSocketSession session;
		synchronized (this) {
			session = this.session;
		}
		if (session == null || !session.isOpen()) {
			return;
		}
		if (this.awaitingPong) {
			logger.warn("No pong from " + this.server + " in time; closing the link");
			this.lastError = "ping timeout";
			close(session, PING_TIMEOUT);
			return;
		}
		this.awaitingPong = true;
		try {
			session.sendMessage(new PingMessage());
		}
		catch (IOException | RuntimeException ex) {
			this.lastError = "ping failed: " + ex.getMessage();
			close(session, CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	void pong() {
		this.awaitingPong = false;
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

	synchronized void stop() {
		this.stopped = true;
		if (this.retry != null) {
			this.retry.cancel(false);
			this.retry = null;
		}
		if (this.pinger != null) {
			this.pinger.cancel(false);
			this.pinger = null;
		}
		WebSocketSession session = this.session;
		if (session != null) {
			close(session, CloseStatus.GOING_AWAY);
		}
	}

	synchronized void reconnect() {
		if (this.stopped) {
			return;
		}
		WebSocketSession session = this.session;
		if (session != null) {
			this.immediate = true;
			close(session, CloseStatus.GOING_AWAY);
		}
		else if (this.retry != null) {
			this.retry.cancel(false);
			this.retry = null;
			connect();
		}
		else if (this.parked) {
			// asked for: dial it, though it may well be a duplicate again
			this.parked = false;
			connect();
		}
	}

	private static void close(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Close of cluster session failed", ex);
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
	public synchronized void duplicateReleased() {
		if (this.stopped) {
			return;
		}
		if (this.parked) {
			this.parked = false;
			if (logger.isInfoEnabled()) {
				logger.info("The link that " + this.server + " duplicated went away; dialling " + this.server);
			}
			connect();
		}
		else {
			// told before the duplicate link's close came through
			this.duplicateReleased = true;
		}
	}

	private final class DialledHooks implements LinkHandler.Hooks {

		@Override
		public PeerLink create(WebSocketSession session) {
			TcpNoDelay.enable(session);
			PeerLink link = Dialer.this.client.cluster().dialled(Dialer.this);
			link.identified(NodeIdentity.parse(HandshakeClient.responseHeader(session, NodeIdentity.HEADER)));
			return link;
		}

		@Override
		public void opened(WebSocketSession session, PeerLink link) {
			Dialer.this.opened(session);
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
