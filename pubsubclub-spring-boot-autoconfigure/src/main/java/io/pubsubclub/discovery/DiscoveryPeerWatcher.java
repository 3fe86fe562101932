package io.pubsubclub.discovery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.event.HeartbeatMonitor;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.discovery.event.ParentHeartbeatEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.Assert;

/**
 * Follows the instances of one service in a {@link DiscoveryClient} and keeps a
 * {@link PeerRegistrar} in step: a new cluster server is added at once, one that left is
 * removed once it has stayed away for the debounce time (coming back within it cancels
 * the removal).
 * <p>
 * The list is read again on every change a heartbeat reports (Consul's catalog watch
 * publishes one per change of its index), when an instance registers, and every refresh
 * interval for clients that publish no heartbeats. Instances without the
 * {@link DiscoveryMetadata#PORT port metadata} are skipped, and so is this node's own
 * instance: the one that announces this node's {@link DiscoveryMetadata#NODE_ID node id}
 * and cluster port at an address of this host. Another instance with this node's id is
 * another node configured with the same id: it is added (and reported), and the link
 * handshake tells it from this node. When the registry cannot be read, the peers already
 * known are kept.
 * <p>
 * All reads of the registry and all calls to the registrar happen on one thread named
 * {@code pubsubclub-discovery-N}.
 *
 * @author PubSubClub
 */
public class DiscoveryPeerWatcher implements SmartLifecycle, SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(DiscoveryPeerWatcher.class);

	private final DiscoveryClient discoveryClient;

	private final String serviceId;

	private final PeerRegistrar registrar;

	private final @Nullable OwnInstance own;

	private final Set<String> reportedSharedIds = new HashSet<>();

	private final Duration refreshInterval;

	private final Duration debounce;

	private final AtomicBoolean running = new AtomicBoolean();

	private final AtomicBoolean refreshQueued = new AtomicBoolean();

	private final HeartbeatMonitor heartbeats = new HeartbeatMonitor();

	private final AtomicLong refreshes = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private volatile int skippedInstances;

	private final Map<String, DiscoveredPeer> peers = new ConcurrentHashMap<>();

	private final Map<String, ScheduledFuture<?>> pendingRemovals = new HashMap<>();

	private final Set<String> reportedInstances = new HashSet<>();

	private long failureStreak;

	private volatile @Nullable ScheduledThreadPoolExecutor scheduler;

	/**
	 * Create a watcher.
	 * @param discoveryClient where the instances are read
	 * @param serviceId service whose instances are the cluster's nodes
	 * @param registrar where peers found and lost are handed
	 * @param localNodeId this node's id; without its cluster port no instance is taken for
	 * this node's own, and the cluster handshake detects a link to itself
	 * @param refreshInterval interval of the fallback poll
	 * @param debounce how long a peer must stay away before it is removed
	 */
	public DiscoveryPeerWatcher(DiscoveryClient discoveryClient, String serviceId, PeerRegistrar registrar,
			@Nullable LongSupplier localNodeId, Duration refreshInterval, Duration debounce) {
		this(discoveryClient, serviceId, registrar, (localNodeId != null) ? new LocalNode() {

			@Override
			public long nodeId() {
				return localNodeId.getAsLong();
			}

			@Override
			public @Nullable Integer clusterPort() {
				return null;
			}

		} : null, refreshInterval, debounce);
	}

	/**
	 * Create a watcher.
	 * @param discoveryClient where the instances are read
	 * @param serviceId service whose instances are the cluster's nodes
	 * @param registrar where peers found and lost are handed
	 * @param localNode this node, to skip its own instance (same node id, same cluster
	 * port, an address of this host); {@code null} when not known (the cluster handshake
	 * still detects a link to itself)
	 * @param refreshInterval interval of the fallback poll, at least a millisecond
	 * @param debounce how long a peer must stay away before it is removed
	 */
	public DiscoveryPeerWatcher(DiscoveryClient discoveryClient, String serviceId, PeerRegistrar registrar,
			@Nullable LocalNode localNode, Duration refreshInterval, Duration debounce) {
		Assert.hasText(serviceId, "'serviceId' must not be empty");
		Assert.isTrue(refreshInterval.toMillis() >= 1, "'refreshInterval' must be at least 1ms");
		Assert.isTrue(!debounce.isNegative(), "'debounce' must not be negative");
		this.discoveryClient = discoveryClient;
		this.serviceId = serviceId;
		this.registrar = registrar;
		this.own = OwnInstance.of(localNode);
		this.refreshInterval = refreshInterval;
		this.debounce = debounce;
	}

	/**
	 * Service whose instances are followed.
	 * @return the service id
	 */
	public String getServiceId() {
		return this.serviceId;
	}

	/**
	 * Peers currently handed to the registrar, including those waiting out the debounce
	 * time before their removal.
	 * @return the peers
	 */
	public Set<DiscoveredPeer> getPeers() {
		return Collections.unmodifiableSet(new LinkedHashSet<>(this.peers.values()));
	}

	/**
	 * Number of times the instance list was read successfully.
	 * @return the count
	 */
	public long getRefreshCount() {
		return this.refreshes.get();
	}

	/**
	 * Number of times the instance list could not be read.
	 * @return the count
	 */
	public long getFailureCount() {
		return this.failures.get();
	}

	/**
	 * Number of instances in the latest list that announce no usable cluster server.
	 * @return the count
	 */
	public int getSkippedInstanceCount() {
		return this.skippedInstances;
	}

	/**
	 * Read the instance list again soon, on the discovery thread.
	 */
	public void refresh() {
		ScheduledThreadPoolExecutor scheduler = this.scheduler;
		if (scheduler == null || !this.running.get() || !this.refreshQueued.compareAndSet(false, true)) {
			return;
		}
		try {
			scheduler.execute(() -> {
				this.refreshQueued.set(false);
				refreshNow();
			});
		}
		catch (RejectedExecutionException ex) {
			this.refreshQueued.set(false);
		}
	}

	@Override
	public void start() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		CustomizableThreadFactory threads = new CustomizableThreadFactory("pubsubclub-discovery-");
		threads.setDaemon(true);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, threads);
		scheduler.setRemoveOnCancelPolicy(true);
		scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.scheduler = scheduler;
		long interval = this.refreshInterval.toMillis();
		scheduler.scheduleWithFixedDelay(this::refreshNow, 0, interval, TimeUnit.MILLISECONDS);
		logger.info("Discovering cluster servers as instances of service '" + this.serviceId + "' (refresh every "
				+ this.refreshInterval + ", debounce " + this.debounce + ")");
	}

	@Override
	public void stop() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		ScheduledThreadPoolExecutor scheduler = this.scheduler;
		this.scheduler = null;
		if (scheduler != null) {
			scheduler.shutdownNow();
			try {
				if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
					logger.warn("Discovery thread did not stop within 5s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.pendingRemovals.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return HeartbeatEvent.class.isAssignableFrom(eventType)
				|| ParentHeartbeatEvent.class.isAssignableFrom(eventType)
				|| InstanceRegisteredEvent.class.isAssignableFrom(eventType)
				|| ApplicationReadyEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof HeartbeatEvent heartbeat) {
			onHeartbeat(heartbeat.getValue());
		}
		else if (event instanceof ParentHeartbeatEvent heartbeat) {
			onHeartbeat(heartbeat.getValue());
		}
		else {
			refresh();
		}
	}

	private void onHeartbeat(@Nullable Object value) {
		// Consul's catalog watch beats every second; only a new index means a change
		if (this.heartbeats.update(value)) {
			refresh();
		}
	}

	private void refreshNow() {
		if (!this.running.get()) {
			return;
		}
		try {
			List<ServiceInstance> instances = readInstances();
			if (instances != null) {
				apply(instances);
			}
		}
		catch (RuntimeException ex) {
			logger.error("Discovery refresh of service '" + this.serviceId + "' failed", ex);
		}
	}

	private @Nullable List<ServiceInstance> readInstances() {
		List<ServiceInstance> instances;
		try {
			instances = this.discoveryClient.getInstances(this.serviceId);
		}
		catch (RuntimeException ex) {
			this.failures.incrementAndGet();
			if (this.failureStreak++ == 0) {
				logger.warn("Cannot read the instances of service '" + this.serviceId + "' from "
						+ this.discoveryClient.description() + ", keeping the " + this.peers.size()
						+ " peer(s) known: " + ex);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug("Still cannot read the instances of service '" + this.serviceId + "': " + ex);
			}
			return null;
		}
		this.refreshes.incrementAndGet();
		if (this.failureStreak > 0) {
			logger.info("Instances of service '" + this.serviceId + "' readable again after " + this.failureStreak
					+ " failed refresh(es)");
			this.failureStreak = 0;
		}
		return (instances != null) ? instances : List.of();
	}

	private void apply(List<ServiceInstance> instances) {
		Map<String, DiscoveredPeer> found = new LinkedHashMap<>();
		Set<String> instanceKeys = new HashSet<>();
		int skipped = 0;
		OwnInstance own = this.own;
		for (ServiceInstance instance : instances) {
			String key = InstanceReader.key(instance);
			instanceKeys.add(key);
			InstanceReader.Result result = InstanceReader.read(instance);
			DiscoveredPeer peer = result.peer();
			if (peer == null) {
				skipped++;
				if (this.reportedInstances.add(key)) {
					logger.info("Skipping instance '" + key + "' (" + instance.getHost() + ":" + instance.getPort()
							+ ") of service '" + this.serviceId + "': " + result.skipReason());
				}
				continue;
			}
			if (own != null && own.isThisNode(peer)) {
				if (this.reportedInstances.add(key) && logger.isDebugEnabled()) {
					logger.debug("Skipping instance '" + key + "' at " + peer.address() + ": it is this node");
				}
				continue;
			}
			if (own != null && own.announcesOurId(peer) && this.reportedSharedIds.add(key)) {
				logger.warn("Instance '" + key + "' at " + peer.address() + " announces this node's id "
						+ own.nodeId() + " but is not this node; adding it (the link handshake tells this node"
						+ " from others): give every node its own pubsubclub.node-id");
			}
			found.put(peer.address(), peer);
		}
		this.reportedInstances.retainAll(instanceKeys);
		this.reportedSharedIds.retainAll(instanceKeys);
		this.skippedInstances = skipped;
		found.forEach(this::present);
		for (String address : new ArrayList<>(this.peers.keySet())) {
			if (!found.containsKey(address)) {
				missing(address);
			}
		}
	}

	private void present(String address, DiscoveredPeer peer) {
		ScheduledFuture<?> removal = this.pendingRemovals.remove(address);
		if (removal != null) {
			removal.cancel(false);
			logger.info("Cluster server " + peer + " is back within the debounce time, keeping its link");
		}
		DiscoveredPeer known = this.peers.get(address);
		if (known == null) {
			try {
				this.registrar.add(peer);
				this.peers.put(address, peer);
				logger.info("Discovered cluster server " + peer);
			}
			catch (RuntimeException ex) {
				logger.error("Cannot add discovered cluster server " + peer + ", will try again on next refresh", ex);
			}
		}
		else if (!known.equals(peer)) {
			// same server to dial: its link stays, only what we know about it changes
			this.peers.put(address, peer);
			logger.info("Cluster server at " + address + " now announces node id " + peer.nodeId());
		}
	}

	private void missing(String address) {
		if (this.pendingRemovals.containsKey(address)) {
			return;
		}
		if (this.debounce.isZero()) {
			removeNow(address);
			return;
		}
		ScheduledThreadPoolExecutor scheduler = this.scheduler;
		if (scheduler == null) {
			return;
		}
		logger.info("Cluster server " + this.peers.get(address) + " left the registry, removing it unless it is back within "
				+ this.debounce);
		this.pendingRemovals.put(address, scheduler.schedule(() -> {
			if (this.pendingRemovals.remove(address) != null) {
				removeNow(address);
			}
		}, this.debounce.toMillis(), TimeUnit.MILLISECONDS));
	}

	private void removeNow(String address) {
		DiscoveredPeer peer = this.peers.remove(address);
		if (peer == null) {
			return;
		}
		logger.info("Removing cluster server " + peer + ": it left the registry");
		try {
			this.registrar.remove(peer);
		}
		catch (RuntimeException ex) {
			logger.error("Cannot remove cluster server " + peer, ex);
		}
	}

}
