package io.pubsubclub.cluster.transport;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.core.StandardThreadExecutor;
import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.tomcat.websocket.server.WsSci;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.NodeIdentity;
import io.pubsubclub.cluster.PeerLink;
import io.pubsubclub.transport.TomcatUpgradeStrategy;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * The cluster server: a minimal embedded Tomcat on its own port whose only endpoint is
 * the PSC WebSocket endpoint at {@code /}. It starts before the application's web server
 * (so that the bound port is known when the instance is registered for discovery) and
 * stops after it.
 * <p>
 * The role this node plays on an accepted link is the one of its roles in server mode.
 * When both are, the dialling side's {@value #ROLE_HEADER} upgrade header (sent by this
 * implementation's client connector) says which role it plays; a peer without it (a
 * Python node) is a consumer if it sends 101 first, and is taken for a producer, which
 * waits for 101, if it stays silent for {@link #UNDECIDED_ROLE_WAIT_MILLIS}.
 *
 * @author PubSubClub
 */
public final class ClusterServer implements SmartLifecycle {

	/**
	 * Upgrade request header in which a dialling node names the role it plays on the
	 * link: {@code producer} or {@code consumer}.
	 */
	public static final String ROLE_HEADER = "PubSubClub-Role";

	/**
	 * How long an accepted link of unknown role waits for a 101 before this node takes
	 * the consumer role and sends its own.
	 */
	public static final long UNDECIDED_ROLE_WAIT_MILLIS = 500;

	/**
	 * Phase of the cluster server: before the application's web server.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(ClusterServer.class);

	private static final AtomicInteger instances = new AtomicInteger();

	private final ClusterLinks cluster;

	private final Set<ClusterState.Role> servedRoles;

	private final @Nullable InetAddress address;

	private final int port;

	private final LinkSettings settings;

	private final TaskScheduler scheduler;

	private final LinkSecurity security;

	private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

	// closes off the server's I/O threads and the cluster's timer threads
	private final Closer closer = new Closer("pubsubclub-server-close-");

	private volatile @Nullable Tomcat tomcat;

	private volatile @Nullable Executor sendExecutor;

	private volatile @Nullable ThreadPoolExecutor sendPool;

	private volatile @Nullable TomcatUpgradeStrategy upgradeStrategy;

	private volatile @Nullable File baseDir;

	private volatile @Nullable InetSocketAddress boundAddress;

	/**
	 * Create a cluster server.
	 * @param cluster the node's links
	 * @param servedRoles the roles in server mode (at least one)
	 * @param address the address to bind, {@code null} for every address
	 * @param port the port to bind, 0 for a free one
	 * @param settings link settings
	 * @param scheduler the cluster's scheduler
	 */
	public ClusterServer(ClusterLinks cluster, Set<ClusterState.Role> servedRoles, @Nullable InetAddress address,
			int port, LinkSettings settings, TaskScheduler scheduler) {
		this(cluster, servedRoles, address, port, settings, scheduler, LinkSecurity.none());
	}

	/**
	 * Create a cluster server.
	 * @param cluster the node's links
	 * @param servedRoles the roles in server mode (at least one)
	 * @param address the address to bind, {@code null} for every address
	 * @param port the port to bind, 0 for a free one
	 * @param settings link settings
	 * @param scheduler the cluster's scheduler
	 * @param security authentication and TLS of accepted links
	 */
	public ClusterServer(ClusterLinks cluster, Set<ClusterState.Role> servedRoles, @Nullable InetAddress address,
			int port, LinkSettings settings, TaskScheduler scheduler, LinkSecurity security) {
		this.security = security;
		this.cluster = cluster;
		this.servedRoles = Set.copyOf(servedRoles);
		this.address = address;
		this.port = port;
		this.settings = settings;
		this.scheduler = scheduler;
	}

	/**
	 * Return the address the server is bound to.
	 * @return the bound address, or {@code null} when not started
	 */
	public @Nullable InetSocketAddress getBoundAddress() {
		return this.boundAddress;
	}

	/**
	 * Return the port the server is bound to.
	 * @return the bound port, or -1 when not started
	 */
	public int getPort() {
		InetSocketAddress bound = this.boundAddress;
		return (bound != null) ? bound.getPort() : -1;
	}

	@Override
	public void start() {
		if (this.tomcat != null) {
			return;
		}
		int instance = instances.incrementAndGet();
		Tomcat tomcat = new Tomcat();
		File base;
		try {
			base = Files.createTempDirectory("pubsubclub-cluster.").toFile();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot create the cluster server's base directory", ex);
		}
		this.baseDir = base;
		tomcat.setBaseDir(base.getAbsolutePath());
		tomcat.getEngine().setName("pubsubclub-cluster-" + instance);
		tomcat.getService().setName("pubsubclub-cluster-" + instance);
		tomcat.getHost().setAutoDeploy(false);
		StandardThreadExecutor executor = new StandardThreadExecutor();
		executor.setName("pubsubclub-cluster-" + instance + "-executor");
		executor.setNamePrefix("pubsubclub-server-");
		executor.setMinSpareThreads(2);
		// these threads read, and answer pings: Tomcat writes the pong on the reading thread,
		// behind any write in progress to that link, so a link that does not read holds
		// one for up to the send-time limit; they must outnumber the links slow at once
		executor.setMaxThreads(200);
		tomcat.getService().addExecutor(executor);
		// batches are written here, never on the threads above
		this.sendPool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				ClusterThreads.named("pubsubclub-server-send-"));
		this.sendExecutor = this.sendPool;
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		connector.setPort(this.port);
		connector.setThrowOnFailure(true);
		if (this.address != null) {
			connector.setProperty("address", this.address.getHostAddress());
		}
		((AbstractProtocol<?>) connector.getProtocolHandler()).setExecutor(executor);
		ServerTls tls = this.security.serverTls();
		if (tls != null) {
			tls.applyTo(connector);
		}
		tomcat.getService().addConnector(connector);
		tomcat.setConnector(connector);
		Context context = tomcat.addContext("", base.getAbsolutePath());
		if (context instanceof StandardContext standardContext) {
			// nothing is ever undeployed from this context; the checks only warn
			standardContext.setClearReferencesRmiTargets(false);
			standardContext.setClearReferencesThreadLocals(false);
			standardContext.setClearReferencesStopThreads(false);
		}
		// threads the links start (schedulers, pools) must not hold on to the webapp loader
		context.setParentClassLoader(ClusterServer.class.getClassLoader());
		context.addServletContainerInitializer(new WsSci(), null);
		LinkAuthenticator authenticator = this.security.authenticator();
		// the refusal comes first: a refused peer learns nothing, not even this node's identity
		List<HandshakeInterceptor> interceptors = new ArrayList<>();
		if (authenticator != null) {
			interceptors.add(new AcceptedLinkAuthentication(authenticator));
		}
		interceptors.add(new IdentityHeader(this.cluster.identity().responseHeader()));
		TomcatUpgradeStrategy upgrade = upgradeStrategy(this.settings);
		this.upgradeStrategy = upgrade;
		Tomcat.addServlet(context, "pubsubclub", new LinkUpgradeServlet(this::handler, upgrade, interceptors));
		context.addServletMappingDecoded("", "pubsubclub");
		try {
			tomcat.start();
		}
		catch (LifecycleException | RuntimeException ex) {
			destroy(tomcat);
			throw bindFailure(ex);
		}
		if (connector.getState() != LifecycleState.STARTED || connector.getLocalPort() <= 0) {
			destroy(tomcat);
			throw bindFailure(null);
		}
		this.tomcat = tomcat;
		this.boundAddress = (this.address != null) ? new InetSocketAddress(this.address, connector.getLocalPort())
				: new InetSocketAddress(connector.getLocalPort());
		logger.info("PubSubClub cluster server listening on " + ((tls != null) ? "wss://" : "ws://")
				+ ((this.address != null) ? describe(this.address) : "*") + ":" + connector.getLocalPort()
				+ "/ for " + this.servedRoles.stream().map((role) -> role.name().toLowerCase(Locale.ROOT)).toList()
				+ " links" + ((authenticator != null) ? ", authenticated" : ""));
		if (exposedWithoutSecret(this.address, authenticator != null)) {
			logger.warn("PubSubClub cluster server on " + ((this.address != null) ? describe(this.address) : "*")
					+ ":" + connector.getLocalPort() + " accepts links without authentication "
					+ "(pubsubclub.link.secret is not set): anyone who reaches the port can read and inject events");
		}
	}

	// bound beyond loopback (every address included) with no secret to check
	static boolean exposedWithoutSecret(@Nullable InetAddress address, boolean authenticated) {
		return !authenticated && (address == null || !address.isLoopbackAddress());
	}

	private IllegalStateException bindFailure(@Nullable Throwable ex) {
		return new IllegalStateException("Cluster server could not bind to "
				+ ((this.address != null) ? describe(this.address) : "*") + ":" + this.port
				+ " (pubsubclub.server.port, pubsubclub.server.address): port already in use or address not available"
				+ ((this.security.serverTls() != null)
						? ", or the TLS set-up from pubsubclub.server.ssl.bundle failed" : ""),
				ex);
	}

	private static String describe(InetAddress address) {
		String host = address.getHostAddress();
		return (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
	}

	/**
	 * Accepted links run on the starter's own WebSocket transport, as WAMP sessions do:
	 * a 301 that a reading thread sends (a WAMP PUBLISH) is written at the end of that
	 * read with the others it sent, without a message object, a second UTF-8 encoding
	 * or a completion handed to another thread per frame. Its limits are the link's: the
	 * send buffer (in bytes of frames, not characters), the send-time limit (also for a
	 * closing handshake), and frames of up to three bytes per character of the message
	 * size limit, which {@link LinkHandler} then applies in characters.
	 */
	static TomcatUpgradeStrategy upgradeStrategy(LinkSettings settings) {
		int maxBytes = (int) Math.min(Integer.MAX_VALUE - 16, 3L * settings.maxMessageSize());
		return new TomcatUpgradeStrategy(maxBytes, settings.sendBufferSize(), settings.sendTimeLimit(),
				settings.sendTimeLimit(), new StandardWebSocketUpgradeStrategy());
	}

	private LinkHandler handler() {
		// links upgraded by the starter's transport write through its sender; on another
		// strategy (the fallback) Tomcat's server side sends without blocking: an idle link
		// is written at once by the publishing thread, frames that queue up behind it go
		// out in batches from the server's own threads
		return new LinkHandler(this.settings, this.closer, new AcceptedHooks(), this.sendExecutor, true);
	}

	@Override
	public void stop() {
		Tomcat tomcat = this.tomcat;
		if (tomcat == null) {
			return;
		}
		// all at once: one by one, each could wait the send-time limit
		int late = this.closer.closeAll(java.util.List.copyOf(this.sessions), CloseStatus.GOING_AWAY,
				this.settings.sendTimeLimit());
		if (late > 0) {
			logger.info(late + " cluster link(s) did not close within " + this.settings.sendTimeLimit()
					+ "; stopping without them");
		}
		destroy(tomcat);
		ServerTls tls = this.security.serverTls();
		if (tls != null) {
			tls.detach();
		}
		ThreadPoolExecutor sendPool = this.sendPool;
		if (sendPool != null) {
			sendPool.shutdown();
		}
		this.tomcat = null;
		this.boundAddress = null;
	}

	private void destroy(Tomcat tomcat) {
		try {
			tomcat.stop();
			tomcat.destroy();
		}
		catch (LifecycleException | RuntimeException ex) {
			logger.debug("Stop of the cluster server failed", ex);
		}
		TomcatUpgradeStrategy upgrade = this.upgradeStrategy;
		if (upgrade != null) {
			upgrade.close();
			this.upgradeStrategy = null;
		}
		File base = this.baseDir;
		if (base != null) {
			FileSystemUtils.deleteRecursively(base);
		}
	}

	@Override
	public boolean isRunning() {
		return this.tomcat != null;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private final class AcceptedHooks implements LinkHandler.Hooks {

		@Override
		public PeerLink create(WebSocketSession session) {
			InetSocketAddress remote = session.getRemoteAddress();
			String address = (remote != null) ? describe(remote.getAddress()) + ":" + remote.getPort() : "unknown";
			PeerLink link = ClusterServer.this.cluster.accepted(address, localRole(session));
			link.identified(NodeIdentity.parse(session.getHandshakeHeaders().getFirst(NodeIdentity.HEADER)));
			return link;
		}

		private ClusterState.@Nullable Role localRole(WebSocketSession session) {
			if (ClusterServer.this.servedRoles.size() == 1) {
				return ClusterServer.this.servedRoles.iterator().next();
			}
			String farRole = session.getHandshakeHeaders().getFirst(ROLE_HEADER);
			if ("consumer".equalsIgnoreCase(farRole)) {
				return ClusterState.Role.PRODUCER;
			}
			if ("producer".equalsIgnoreCase(farRole)) {
				return ClusterState.Role.CONSUMER;
			}
			return null;
		}

		@Override
		public void opened(WebSocketSession session, PeerLink link) {
			ClusterServer.this.sessions.add(session);
			// a peer that dials in is alive: a link this node dials toward it need not wait
			NodeIdentity.FarNode far = link.farNode();
			if (far != null && !ClusterServer.this.cluster.identity().isSelf(far)) {
				InetSocketAddress remote = session.getRemoteAddress();
				ClusterServer.this.cluster.peerSeen(far.nodeId(), (remote != null) ? remote.getAddress() : null,
						far.clusterPort());
			}
			if (link.role() == null) {
				ClusterServer.this.scheduler.schedule(link::actAsConsumer,
						Instant.now().plusMillis(UNDECIDED_ROLE_WAIT_MILLIS));
			}
		}

		@Override
		public void closed(WebSocketSession session, PeerLink link, CloseStatus status) {
			ClusterServer.this.sessions.remove(session);
		}

	}

	/**
	 * Puts this node's identity in the 101 response; peers that do not know it ignore it.
	 */
	private record IdentityHeader(String value) implements HandshakeInterceptor {

		@Override
		public boolean beforeHandshake(org.springframework.http.server.ServerHttpRequest request,
				org.springframework.http.server.ServerHttpResponse response, WebSocketHandler wsHandler,
				java.util.Map<String, Object> attributes) {
			response.getHeaders().set(NodeIdentity.HEADER, this.value);
			return true;
		}

		@Override
		public void afterHandshake(org.springframework.http.server.ServerHttpRequest request,
				org.springframework.http.server.ServerHttpResponse response, WebSocketHandler wsHandler,
				@Nullable Exception exception) {
		}

	}

}
