package io.pubsubclub.cluster.transport;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
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

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;
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

	private final Set<WebSocketSession> sessions = ConcurrentHashMap.newKeySet();

	private volatile @Nullable Tomcat tomcat;

	private volatile @Nullable Executor sendExecutor;

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
		executor.setMaxThreads(32);
		tomcat.getService().addExecutor(executor);
		this.sendExecutor = executor;
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		connector.setPort(this.port);
		connector.setThrowOnFailure(true);
		if (this.address != null) {
			connector.setProperty("address", this.address.getHostAddress());
		}
		((AbstractProtocol<?>) connector.getProtocolHandler()).setExecutor(executor);
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
		Tomcat.addServlet(context, "pubsubclub",
				new UpgradeServlet(this::handler, this.cluster.identity().responseHeader()));
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
		logger.info("PubSubClub cluster server listening on ws://"
				+ ((this.address != null) ? describe(this.address) : "*") + ":" + connector.getLocalPort()
				+ "/ for " + this.servedRoles.stream().map((role) -> role.name().toLowerCase(Locale.ROOT)).toList()
				+ " links");
	}

	private IllegalStateException bindFailure(@Nullable Throwable ex) {
		return new IllegalStateException("Cluster server could not bind to "
				+ ((this.address != null) ? describe(this.address) : "*") + ":" + this.port
				+ " (pubsubclub.server.port, pubsubclub.server.address): port already in use or address not available",
				ex);
	}

	private static String describe(InetAddress address) {
		String host = address.getHostAddress();
		return (host.indexOf(':') >= 0) ? "[" + host + "]" : host;
	}

	private LinkHandler handler() {
		// Tomcat's server side sends without blocking: an idle link is written at once by
		// the publishing thread, frames that queue up behind it go out in batches from the
		// server's own threads
		return new LinkHandler(this.settings, this.scheduler, new AcceptedHooks(), this.sendExecutor, true);
	}

	@Override
	public void stop() {
		Tomcat tomcat = this.tomcat;
		if (tomcat == null) {
			return;
		}
		for (WebSocketSession session : this.sessions) {
			try {
				session.close(CloseStatus.GOING_AWAY);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Close of cluster session failed", ex);
			}
		}
		destroy(tomcat);
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
	 * Upgrades requests for {@code /} to a cluster link; nothing else is served.
	 */
	private static final class UpgradeServlet extends HttpServlet {

		private final transient java.util.function.Supplier<LinkHandler> handler;

		private final String nodeHeader;

		private transient @Nullable WebSocketHttpRequestHandler requestHandler;

		UpgradeServlet(java.util.function.Supplier<LinkHandler> handler, String nodeHeader) {
			this.handler = handler;
			this.nodeHeader = nodeHeader;
		}

		@Override
		public void init() {
			// the container's default text buffer is kept: LinkHandler takes frames in
			// parts and enforces the size limit itself
			this.requestHandler = new WebSocketHttpRequestHandler(this.handler.get(),
					new DefaultHandshakeHandler(new StandardWebSocketUpgradeStrategy()));
		}

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response)
				throws ServletException, IOException {
			WebSocketHttpRequestHandler requestHandler = this.requestHandler;
			if (requestHandler == null || !"/".equals(request.getRequestURI())) {
				response.sendError(HttpServletResponse.SC_NOT_FOUND);
				return;
			}
			// this node's identity in the 101 response; peers that do not know it ignore it
			response.setHeader(NodeIdentity.HEADER, this.nodeHeader);
			requestHandler.handleRequest(request, response);
		}

	}

}
