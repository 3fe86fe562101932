package io.pubsubclub.cluster.transport;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.websocket.WsWebSocketContainer;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterPeers;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.PeerAddress;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * The client connector: dials every cluster server for each role in client mode (one
 * connection per server and role) and redials lost or refused links with a jittered,
 * capped exponential back-off until the server is removed. A server found to be this
 * node itself is dropped and never dialled again. Starts after the application's web
 * server and closes its links (1001) first on shutdown.
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

	private final Map<PeerAddress, List<Dialer>> dialers = new LinkedHashMap<>();

	private final Set<PeerAddress> selfAddresses = new LinkedHashSet<>();

	private @Nullable WebSocketContainer container;

	private volatile @Nullable WebSocketClient webSocketClient;

	// Tomcat's client writes "asynchronous" frames blocking; each link that is writing
	// holds one of these threads, never the publisher's
	private volatile @Nullable ThreadPoolExecutor sendExecutor;

	private boolean running;

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
	}

	@Override
	public synchronized void add(PeerAddress server) {
		if (this.selfAddresses.contains(server) || this.dialers.get(server) != null) {
			return;
		}
		if (!this.running) {
			this.dialers.put(server, null);
			return;
		}
		dial(server);
	}

	private void dial(PeerAddress server) {
		List<Dialer> serverDialers = new ArrayList<>(this.roles.size());
		for (ClusterState.Role role : this.roles) {
			Dialer dialer = new Dialer(this, server, role);
			serverDialers.add(dialer);
			this.cluster.register(dialer);
		}
		this.dialers.put(server, serverDialers);
		serverDialers.forEach(Dialer::connect);
	}

	@Override
	public synchronized void remove(PeerAddress server) {
		List<Dialer> removed = this.dialers.remove(server);
		if (removed != null) {
			for (Dialer dialer : removed) {
				dialer.stop();
				this.cluster.unregister(dialer);
			}
		}
	}

	@Override
	public synchronized Set<PeerAddress> servers() {
		return Set.copyOf(this.dialers.keySet());
	}

	@Override
	public synchronized boolean reconnect(PeerAddress server) {
		List<Dialer> serverDialers = this.dialers.get(server);
		if (serverDialers == null) {
			return this.dialers.containsKey(server);
		}
		serverDialers.forEach(Dialer::reconnect);
		return true;
	}

	@Override
	public synchronized void reconnectAll() {
		for (List<Dialer> serverDialers : this.dialers.values()) {
			if (serverDialers != null) {
				serverDialers.forEach(Dialer::reconnect);
			}
		}
	}

	/**
	 * Return the servers found to be this node itself, which are never dialled again.
	 * @return the self addresses
	 */
	public synchronized Set<PeerAddress> selfAddresses() {
		return Set.copyOf(this.selfAddresses);
	}

	synchronized void selfLink(PeerAddress server) {
		logger.info("Cluster server " + server + " is this node itself; it will not be dialled again");
		this.selfAddresses.add(server);
		remove(server);
	}

	@Override
	public synchronized void start() {
		if (this.running) {
			return;
		}
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setAsyncSendTimeout(this.settings.sendTimeLimit().toMillis());
		StandardWebSocketClient client = new HandshakeClient(container);
		client.setUserProperties(Map.of("org.apache.tomcat.websocket.IO_TIMEOUT_MS",
				String.valueOf(this.settings.handshakeTimeout().toMillis())));
		CustomizableThreadFactory threads = new CustomizableThreadFactory("pubsubclub-send-");
		threads.setDaemon(true);
		this.sendExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				threads);
		this.container = container;
		this.webSocketClient = client;
		this.running = true;
		for (PeerAddress server : List.copyOf(this.dialers.keySet())) {
			if (this.dialers.get(server) == null) {
				dial(server);
			}
		}
	}

	@Override
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		for (Map.Entry<PeerAddress, List<Dialer>> entry : this.dialers.entrySet()) {
			if (entry.getValue() != null) {
				for (Dialer dialer : entry.getValue()) {
					dialer.stop();
					this.cluster.unregister(dialer);
				}
				entry.setValue(null);
			}
		}
		ThreadPoolExecutor sendExecutor = this.sendExecutor;
		if (sendExecutor != null) {
			sendExecutor.shutdown();
		}
		if (this.container instanceof WsWebSocketContainer tomcatContainer) {
			tomcatContainer.destroy();
		}
		this.container = null;
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

	Executor sendExecutor() {
		Executor executor = this.sendExecutor;
		return (executor != null) ? executor : Runnable::run;
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
