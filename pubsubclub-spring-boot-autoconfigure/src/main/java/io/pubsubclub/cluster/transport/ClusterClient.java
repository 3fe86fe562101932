package io.pubsubclub.cluster.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;


import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterPeers;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.WebSocketClient;

/**
 * The client connector: dials every cluster server for each role in client mode (one
 * connection per server and role) and redials lost or refused links with a jittered,
 * capped exponential back-off until the server is removed. A server found to be this
 * node itself is dropped and never dialled again. Starts after the application's web
 * server and closes its links (1001) first on shutdown, all at once, waiting at most the
 * send-time limit for them together.
 * <p>
 * The client's lock guards its map of dialers only: dialers are started, stopped and
 * reconnected after it is released (lock order: client, then dialer; a dialer never
 * calls the client with its own lock held).
 *
 * @author PubSubClub
 */
public final class ClusterClient implements ClusterPeers, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ClusterClient.class);

	private final ClusterLinks cluster;

	private final List<ClusterState.Role> roles;

	private final LinkSettings settings;

	private final TaskScheduler scheduler;

	private final ExponentialBackOff backOff;

	private final LinkSecurity security;

	private final Map<PeerAddress, List<Dialer>> dialers = new LinkedHashMap<>();

	private final Set<PeerAddress> selfAddresses = new LinkedHashSet<>();

	private volatile @Nullable WebSocketClient webSocketClient;

	private boolean running;

	private volatile Closer closer = new Closer("pubsubclub-client-close-");

	/**
	 * Create a client connector.
	 * @param cluster the node's links
	 * @param roles the roles in client mode (at least one)
	 * @param settings link settings
	 * @param scheduler the cluster's scheduler
	 * @param servers the servers to dial from the start
	 */
	public ClusterClient(ClusterLinks cluster, Collection<ClusterState.Role> roles, LinkSettings settings,
			TaskScheduler scheduler, Collection<PeerAddress> servers) {
		this(cluster, roles, settings, scheduler, servers, LinkSecurity.none());
	}

	/**
	 * Create a client connector.
	 * @param cluster the node's links
	 * @param roles the roles in client mode (at least one)
	 * @param settings link settings
	 * @param scheduler the cluster's scheduler
	 * @param servers the servers to dial from the start
	 * @param security authentication and TLS of dialled links
	 */
	public ClusterClient(ClusterLinks cluster, Collection<ClusterState.Role> roles, LinkSettings settings,
			TaskScheduler scheduler, Collection<PeerAddress> servers, LinkSecurity security) {
		this.security = security;
		this.cluster = cluster;
		this.roles = List.copyOf(new LinkedHashSet<>(roles));
		this.settings = settings;
		this.scheduler = scheduler;
		this.backOff = new ExponentialBackOff(settings.reconnectDelay().toMillis(), 2.0);
		this.backOff.setJitter(settings.reconnectDelay().toMillis() / 4);
		this.backOff.setMaxInterval(Math.max(settings.maxReconnectDelay().toMillis(), 1));
		for (PeerAddress server : servers) {
			this.dialers.put(server, null);
		}
		cluster.setPeerSightings(this::peerSeen);
	}

	// called on I/O threads: the matching (which may resolve names) runs on the scheduler
	private void peerSeen(@Nullable Long nodeId, java.net.@Nullable InetAddress host, @Nullable Integer clusterPort) {
		if (nodeId == null && (host == null || clusterPort == null)) {
			return;
		}
		try {
			this.scheduler.schedule(() -> {
				for (Dialer dialer : dialers()) {
					if (dialer.matches(nodeId, host, clusterPort)) {
						dialer.dialNow();
					}
				}
			}, java.time.Instant.now());
		}
		catch (RuntimeException ex) {
			logger.debug("Could not look for a dialer of a returning peer", ex);
		}
	}

	private synchronized List<Dialer> dialers() {
		List<Dialer> all = new ArrayList<>();
		for (List<Dialer> serverDialers : this.dialers.values()) {
			if (serverDialers != null) {
				all.addAll(serverDialers);
			}
		}
		return all;
	}

	@Override
	public synchronized void seen(PeerAddress server) {
		List<Dialer> serverDialers = this.dialers.get(server);
		if (serverDialers != null) {
			serverDialers.forEach(Dialer::dialNow);
		}
	}

	@Override
	public void add(PeerAddress server) {
		List<Dialer> added;
		synchronized (this) {
			if (this.selfAddresses.contains(server) || this.dialers.get(server) != null) {
				return;
			}
			if (!this.running) {
				this.dialers.put(server, null);
				return;
			}
			added = dialers(server);
		}
		added.forEach(Dialer::connect);
	}

	// with the lock held; the caller connects them once it is released
	private List<Dialer> dialers(PeerAddress server) {
		List<Dialer> serverDialers = new ArrayList<>(this.roles.size());
		for (ClusterState.Role role : this.roles) {
			Dialer dialer = new Dialer(this, server, role);
			serverDialers.add(dialer);
			this.cluster.register(dialer);
		}
		this.dialers.put(server, serverDialers);
		return serverDialers;
	}

	@Override
	public void remove(PeerAddress server) {
		List<Dialer> removed;
		synchronized (this) {
			removed = this.dialers.remove(server);
		}
		if (removed != null) {
			for (Dialer dialer : removed) {
				this.cluster.unregister(dialer);
				WebSocketSession session = dialer.stop();
				if (session != null) {
					// here and now, with no lock held: the server may be added again at once,
					// and its old link must not deliver next to the new one
					Closer.closeNow(session, CloseStatus.GOING_AWAY);
				}
			}
		}
	}

	synchronized @Nullable List<Dialer> dialersOf(PeerAddress server) {
		return this.dialers.get(server);
	}

	@Override
	public synchronized Set<PeerAddress> servers() {
		return Set.copyOf(this.dialers.keySet());
	}

	@Override
	public boolean reconnect(PeerAddress server) {
		List<Dialer> serverDialers;
		synchronized (this) {
			serverDialers = this.dialers.get(server);
			if (serverDialers == null) {
				return this.dialers.containsKey(server);
			}
		}
		serverDialers.forEach(Dialer::reconnect);
		return true;
	}

	@Override
	public void reconnectAll() {
		List<Dialer> all = new ArrayList<>();
		synchronized (this) {
			for (List<Dialer> serverDialers : this.dialers.values()) {
				if (serverDialers != null) {
					all.addAll(serverDialers);
				}
			}
		}
		all.forEach(Dialer::reconnect);
	}

	/**
	 * Return the servers found to be this node itself, which are never dialled again.
	 * @return the self addresses
	 */
	public synchronized Set<PeerAddress> selfAddresses() {
		return Set.copyOf(this.selfAddresses);
	}

	void selfLink(PeerAddress server) {
		logger.info("Cluster server " + server + " is this node itself; it will not be dialled again");
		synchronized (this) {
			this.selfAddresses.add(server);
		}
		remove(server);
	}

	@Override
	public void start() {
		List<Dialer> started = new ArrayList<>();
		synchronized (this) {
			if (this.running) {
				return;
			}
			startLocked(started);
		}
		started.forEach(Dialer::connect);
	}

	private void startLocked(List<Dialer> started) {
		ClusterWebSocketClient client = new ClusterWebSocketClient(this.settings, this.security);
		Closer previous = this.closer;
		this.closer = new Closer("pubsubclub-client-close-");
		previous.shutdown();
		this.webSocketClient = client;
		this.running = true;
		for (PeerAddress server : List.copyOf(this.dialers.keySet())) {
			if (this.dialers.get(server) == null) {
				started.addAll(dialers(server));
			}
		}
	}

	@Override
	public void stop() {
		List<Dialer> stopped = new ArrayList<>();
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.running = false;
			for (Map.Entry<PeerAddress, List<Dialer>> entry : this.dialers.entrySet()) {
				if (entry.getValue() != null) {
					stopped.addAll(entry.getValue());
					entry.setValue(null);
				}
			}
		}
		List<WebSocketSession> open = new ArrayList<>();
		for (Dialer dialer : stopped) {
			this.cluster.unregister(dialer);
			WebSocketSession session = dialer.stop();
			if (session != null) {
				open.add(session);
			}
		}
		Closer closer = closer();
		int late = closer.closeAll(open, CloseStatus.GOING_AWAY, this.settings.sendTimeLimit());
		if (late > 0) {
			logger.info(late + " cluster link(s) did not close within " + this.settings.sendTimeLimit()
					+ "; stopping without them");
		}
		closer.shutdown();
	}

	@Override
	public synchronized boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	ClusterLinks cluster() {
		return this.cluster;
	}

	LinkSettings settings() {
		return this.settings;
	}

	TaskScheduler scheduler() {
		return this.scheduler;
	}

	Closer closer() {
		return this.closer;
	}

	ExponentialBackOff backOff() {
		return this.backOff;
	}

	WebSocketClient webSocketClient() {
		WebSocketClient client = this.webSocketClient;
		if (client == null) {
			throw new IllegalStateException("Cluster client is not started");
		}
		return client;
	}

}
