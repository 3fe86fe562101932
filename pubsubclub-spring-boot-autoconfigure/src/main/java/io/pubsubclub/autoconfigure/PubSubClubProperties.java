package io.pubsubclub.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for PubSubClub: the WAMPv1 server and the cluster.
 *
 * @author PubSubClub
 */
@ConfigurationProperties("pubsubclub")
public class PubSubClubProperties {

	/**
	 * Id of this node in the cluster, sent to consumers in the handshake. Random in [0,
	 * 2^31) when not set.
	 */
	private @Nullable Long nodeId;

	/**
	 * Cluster servers that the role(s) in client mode dial, as "host:port".
	 */
	private List<String> peers = new ArrayList<>();

	private final Wamp wamp = new Wamp();

	// producers serve and consumers dial: 301 frames then travel server to client, which
	// RFC 6455 leaves unmasked, instead of being masked and unmasked byte by byte
	private final Role producer = new Role(Mode.SERVER);

	private final Role consumer = new Role(Mode.CLIENT);

	private final Server server = new Server();

	private final Link link = new Link();

	private final Discovery discovery = new Discovery();

	public @Nullable Long getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable Long nodeId) {
		this.nodeId = nodeId;
	}

	public List<String> getPeers() {
		return this.peers;
	}

	public void setPeers(List<String> peers) {
		this.peers = peers;
	}

	public Wamp getWamp() {
		return this.wamp;
	}

	public Role getProducer() {
		return this.producer;
	}

	public Role getConsumer() {
		return this.consumer;
	}

	public Server getServer() {
		return this.server;
	}

	public Link getLink() {
		return this.link;
	}

	public Discovery getDiscovery() {
		return this.discovery;
	}

	/**
	 * Which side of a cluster link a role plays.
	 */
	public enum Mode {

		/**
		 * Dial the cluster servers of the other role.
		 */
		CLIENT,

		/**
		 * Listen on the cluster port for the other role to dial in.
		 */
		SERVER

	}

	public static class Wamp {

		/**
		 * Whether to serve the WAMPv1 endpoint.
		 */
		private boolean enabled = true;

		/**
		 * Path of the WAMPv1 WebSocket endpoint on the application's server.
		 */
		private String path = "/wamp";

		/**
		 * Origins allowed to open the WAMP endpoint from a browser. Same origin only when
		 * empty; "*" allows any.
		 */
		private List<String> allowedOrigins = new ArrayList<>();

		/**
		 * Server identity sent in WELCOME.
		 */
		private String serverIdent = "PubSubClub/0.1";

		/**
		 * Largest incoming WAMP message accepted; a bigger one closes the session with
		 * 1009. A limit, not a buffer: on Tomcat a message longer than the container's
		 * text buffer reaches the WAMP server in parts and is assembled.
		 */
		private DataSize maxMessageSize = DataSize.ofKilobytes(64);

		/**
		 * Size of Tomcat's per-connection buffers, between 512B and 64KB, to make idle
		 * connections cheap in heap: the connector's NIO socket buffers; the application's
		 * WebSocket message buffers (text in characters: half the size) unless
		 * "server.servlet.context-parameters" sets them, so that an endpoint taking whole
		 * messages takes none longer; and, unless already set, the system property
		 * "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE", which is JVM-wide (every
		 * Tomcat WebSocket connection, cluster links and WebSocket clients included) and
		 * takes effect only if set before Tomcat's WebSocket classes load. Tomcat's
		 * defaults when not set.
		 */
		private @Nullable DataSize connectionBufferSize;

		/**
		 * Most outbound data that may wait for one session before it is closed as too
		 * slow.
		 */
		private DataSize sendBufferSize = DataSize.ofKilobytes(512);

		/**
		 * Longest time one outbound message may take to be sent before the session is
		 * closed as too slow.
		 */
		private Duration sendTimeLimit = Duration.ofSeconds(10);

		/**
		 * Whether CALLERROR details carry the exception's stack trace.
		 */
		private boolean includeStackTrace;

		/**
		 * Whether WAMP sessions may use the permessage-deflate extension. When off, clients
		 * that offer it (as browsers do) connect without it and, on Tomcat, the endpoint runs
		 * on the starter's own lean WebSocket transport; when on, the container's WebSocket
		 * implementation serves the endpoint and compresses every event once per session.
		 */
		private boolean compression;

		private final Topics topics = new Topics();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public List<String> getAllowedOrigins() {
			return this.allowedOrigins;
		}

		public void setAllowedOrigins(List<String> allowedOrigins) {
			this.allowedOrigins = allowedOrigins;
		}

		public String getServerIdent() {
			return this.serverIdent;
		}

		public void setServerIdent(String serverIdent) {
			this.serverIdent = serverIdent;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public @Nullable DataSize getConnectionBufferSize() {
			return this.connectionBufferSize;
		}

		public void setConnectionBufferSize(@Nullable DataSize connectionBufferSize) {
			this.connectionBufferSize = connectionBufferSize;
		}

		public DataSize getSendBufferSize() {
			return this.sendBufferSize;
		}

		public void setSendBufferSize(DataSize sendBufferSize) {
			this.sendBufferSize = sendBufferSize;
		}

		public Duration getSendTimeLimit() {
			return this.sendTimeLimit;
		}

		public void setSendTimeLimit(Duration sendTimeLimit) {
			this.sendTimeLimit = sendTimeLimit;
		}

		public boolean isCompression() {
			return this.compression;
		}

		public void setCompression(boolean compression) {
			this.compression = compression;
		}

		public boolean isIncludeStackTrace() {
			return this.includeStackTrace;
		}

		public void setIncludeStackTrace(boolean includeStackTrace) {
			this.includeStackTrace = includeStackTrace;
		}

		public Topics getTopics() {
			return this.topics;
		}

	}

	public static class Topics {

		/**
		 * Topics WAMP clients may subscribe to: exact URIs, or prefixes ending in "*".
		 * Any topic when empty.
		 */
		private List<String> subscribe = new ArrayList<>();

		/**
		 * Topics WAMP clients may publish on: exact URIs, or prefixes ending in "*". Any
		 * topic when empty.
		 */
		private List<String> publish = new ArrayList<>();

		public List<String> getSubscribe() {
			return this.subscribe;
		}

		public void setSubscribe(List<String> subscribe) {
			this.subscribe = subscribe;
		}

		public List<String> getPublish() {
			return this.publish;
		}

		public void setPublish(List<String> publish) {
			this.publish = publish;
		}

	}

	public static class Role {

		/**
		 * Whether this node plays the role.
		 */
		private boolean enabled;

		/**
		 * Whether the role dials the cluster servers or listens on the cluster port. Must
		 * be the same on every node of the cluster.
		 */
		private Mode mode;

		public Role() {
			this(Mode.CLIENT);
		}

		// a second constructor keeps JavaBean binding for the metadata processor, which
		// would otherwise take the role for constructor-bound and leave "enabled" out
		Role(Mode mode) {
			this.mode = mode;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

	}

	public static class Server {

		/**
		 * Address the cluster server binds to.
		 */
		private @Nullable InetAddress address;

		/**
		 * Port of the cluster server, apart from the application's HTTP port. Required
		 * when a role is in server mode; 0 picks a free port.
		 */
		private @Nullable Integer port;

		public @Nullable InetAddress getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable InetAddress address) {
			this.address = address;
		}

		public @Nullable Integer getPort() {
			return this.port;
		}

		public void setPort(@Nullable Integer port) {
			this.port = port;
		}

	}

	public static class Link {

		/**
		 * Interval between WebSocket pings the client side of a link sends; a link whose
		 * pong has not come by the next ping is closed.
		 */
		private Duration pingInterval = Duration.ofSeconds(5);

		/**
		 * Delay before the first reconnect attempt of a lost or refused link.
		 */
		private Duration reconnectDelay = Duration.ofSeconds(1);

		/**
		 * Longest delay between reconnect attempts.
		 */
		private Duration maxReconnectDelay = Duration.ofSeconds(30);

		/**
		 * Longest time the handshake (101/102) may take.
		 */
		private Duration handshakeTimeout = Duration.ofSeconds(5);

		/**
		 * Largest incoming cluster message accepted; a bigger one closes the link.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * Most outbound data that may wait for one link before the peer is disconnected
		 * as too slow.
		 */
		private DataSize sendBufferSize = DataSize.ofMegabytes(8);

		/**
		 * Longest time one outbound message may take to be sent before the peer is
		 * disconnected as too slow.
		 */
		private Duration sendTimeLimit = Duration.ofSeconds(10);

		/**
		 * Shortest time between two redials forced through the actuator endpoint, for all
		 * dialled servers or for the same one; a request sooner is refused (HTTP 429).
		 * Zero for no limit.
		 */
		private Duration forcedReconnectInterval = Duration.ofSeconds(10);

		public Duration getForcedReconnectInterval() {
			return this.forcedReconnectInterval;
		}

		public void setForcedReconnectInterval(Duration forcedReconnectInterval) {
			this.forcedReconnectInterval = forcedReconnectInterval;
		}

		public Duration getPingInterval() {
			return this.pingInterval;
		}

		public void setPingInterval(Duration pingInterval) {
			this.pingInterval = pingInterval;
		}

		public Duration getReconnectDelay() {
			return this.reconnectDelay;
		}

		public void setReconnectDelay(Duration reconnectDelay) {
			this.reconnectDelay = reconnectDelay;
		}

		public Duration getMaxReconnectDelay() {
			return this.maxReconnectDelay;
		}

		public void setMaxReconnectDelay(Duration maxReconnectDelay) {
			this.maxReconnectDelay = maxReconnectDelay;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public DataSize getSendBufferSize() {
			return this.sendBufferSize;
		}

		public void setSendBufferSize(DataSize sendBufferSize) {
			this.sendBufferSize = sendBufferSize;
		}

		public Duration getSendTimeLimit() {
			return this.sendTimeLimit;
		}

		public void setSendTimeLimit(Duration sendTimeLimit) {
			this.sendTimeLimit = sendTimeLimit;
		}

	}

	public static class Discovery {

		/**
		 * Whether to find cluster servers through the DiscoveryClient, when there is one.
		 */
		private boolean enabled = true;

		/**
		 * Service whose instances are the cluster's nodes. The application's own
		 * "spring.application.name" when not set.
		 */
		private @Nullable String serviceId;

		/**
		 * Interval of the fallback poll of the instance list, for discovery clients that
		 * publish no heartbeats. At least 100ms.
		 */
		private Duration refreshInterval = Duration.ofSeconds(10);

		/**
		 * How long a removed instance must stay away before its link is closed, to damp
		 * flapping.
		 */
		private Duration debounce = Duration.ofSeconds(2);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getServiceId() {
			return this.serviceId;
		}

		public void setServiceId(@Nullable String serviceId) {
			this.serviceId = serviceId;
		}

		public Duration getRefreshInterval() {
			return this.refreshInterval;
		}

		public void setRefreshInterval(Duration refreshInterval) {
			this.refreshInterval = refreshInterval;
		}

		public Duration getDebounce() {
			return this.debounce;
		}

		public void setDebounce(Duration debounce) {
			this.debounce = debounce;
		}

	}

}
