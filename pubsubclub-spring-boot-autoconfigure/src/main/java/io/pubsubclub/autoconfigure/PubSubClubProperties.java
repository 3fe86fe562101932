package io.pubsubclub.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
	 * Id of this node in the cluster, sent to consumers in the handshake: 0 to 2^63 - 1.
	 * Random in [0, 2^31) when not set, as Python nodes draw theirs; keep a fixed id in
	 * that range in a cluster with other implementations.
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

	private final Redis redis = new Redis();

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

	public Redis getRedis() {
		return this.redis;
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
		 * Longest time a CALL may take before it is answered with the CALLERROR
		 * "http://api.wamp.ws/error#timeout"; a procedure still running is interrupted, a
		 * CompletionStage left to complete unheard. No limit when not set.
		 */
		private @Nullable Duration callTimeout;

		/**
		 * Whether WAMP sessions may use the permessage-deflate extension. When off, clients
		 * that offer it (as browsers do) connect without it and, on Tomcat, the endpoint runs
		 * on the starter's own lean WebSocket transport; when on, the container's WebSocket
		 * implementation serves the endpoint and compresses every event once per session.
		 */
		private boolean compression;

		/**
		 * Longest time a WebSocket client may send nothing before its session is closed with
		 * 1001, on the starter's own transport. It pings a silent client halfway, so a live
		 * client (browsers answer pings) never reaches it. The container's transport
		 * ("compression" on) does not ping, so it keeps the container's idle timeout (none on
		 * Tomcat), lest quiet subscribers be cut off.
		 */
		private Duration idleTimeout = Duration.ofSeconds(60);

		private final Topics topics = new Topics();

		private final Auth auth = new Auth();

		private final Limits limits = new Limits();

		private final Calls calls = new Calls();

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

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
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

		public @Nullable Duration getCallTimeout() {
			return this.callTimeout;
		}

		public void setCallTimeout(@Nullable Duration callTimeout) {
			this.callTimeout = callTimeout;
		}

		public Topics getTopics() {
			return this.topics;
		}

		public Auth getAuth() {
			return this.auth;
		}

		public Limits getLimits() {
			return this.limits;
		}

		public Calls getCalls() {
			return this.calls;
		}

	}

	public static class Limits {

		/**
		 * Most topics one WAMP session may be subscribed to at once. A SUBSCRIBE beyond
		 * is not performed, logged once per session and counted.
		 */
		private int subscriptionsPerSession = 1000;

		/**
		 * Longest topic URI, in characters, a WAMP session may subscribe or publish to.
		 * A longer one is not subscribed or published, logged once per session and
		 * counted.
		 */
		private int topicLength = 1024;

		/**
		 * Most distinct topics the WAMP sessions of this node may subscribe to in all,
		 * which bounds what this node asks of its cluster peers. A SUBSCRIBE that would
		 * add a topic beyond is not performed, logged once per session and counted.
		 */
		private int topicsPerNode = 50000;

		/**
		 * Most CURIE prefixes one WAMP session may define. A PREFIX beyond (a new
		 * prefix, not a redefined one) is not kept, logged once per session and counted.
		 */
		private int prefixesPerSession = 64;

		/**
		 * Longest CURIE prefix, and longest URI it stands for, in characters. A longer
		 * PREFIX is not kept, logged once per session and counted.
		 */
		private int prefixLength = 1024;

		/**
		 * Most CALLs one WAMP session may have outstanding (queued, running or waiting
		 * for a CompletionStage). One more is answered with the CALLERROR
		 * "http://api.wamp.ws/error#busy", logged once per session and counted.
		 */
		private int callsPerSession = 16;

		/**
		 * Publish budget of one WAMP session, per second: characters of topic and event
		 * JSON, with a burst of one second's worth or a quarter of the send buffer size,
		 * whichever is smaller. A session over it is slowed, not
		 * refused: its socket is not read until it is back within budget, so that the
		 * sessions reading its events are not cut off as too slow. On a container that
		 * cannot suspend reading (not Tomcat) publishes over budget are refused instead.
		 */
		private DataSize publishRate = DataSize.ofMegabytes(1);

		/**
		 * Most session ids the exclude and eligible lists of one publish may name
		 * together. They travel with the event to every consumer node and are charged to
		 * the publish budget; a PUBLISH naming more is refused, logged once per session
		 * and counted (a procedure's publish gets the CALLERROR
		 * "http://api.wamp.ws/error#invalid-argument").
		 */
		private int sessionIdsPerPublish = 1024;

		/**
		 * Longest session id, in characters, in the exclude or eligible list of a publish
		 * (WAMP session ids are 16); a PUBLISH with a longer one is refused as for
		 * "session-ids-per-publish".
		 */
		private int sessionIdLength = 64;

		public int getSessionIdsPerPublish() {
			return this.sessionIdsPerPublish;
		}

		public void setSessionIdsPerPublish(int sessionIdsPerPublish) {
			this.sessionIdsPerPublish = sessionIdsPerPublish;
		}

		public int getSessionIdLength() {
			return this.sessionIdLength;
		}

		public void setSessionIdLength(int sessionIdLength) {
			this.sessionIdLength = sessionIdLength;
		}

		public int getSubscriptionsPerSession() {
			return this.subscriptionsPerSession;
		}

		public void setSubscriptionsPerSession(int subscriptionsPerSession) {
			this.subscriptionsPerSession = subscriptionsPerSession;
		}

		public int getTopicLength() {
			return this.topicLength;
		}

		public void setTopicLength(int topicLength) {
			this.topicLength = topicLength;
		}

		public int getTopicsPerNode() {
			return this.topicsPerNode;
		}

		public void setTopicsPerNode(int topicsPerNode) {
			this.topicsPerNode = topicsPerNode;
		}

		public int getPrefixesPerSession() {
			return this.prefixesPerSession;
		}

		public void setPrefixesPerSession(int prefixesPerSession) {
			this.prefixesPerSession = prefixesPerSession;
		}

		public int getPrefixLength() {
			return this.prefixLength;
		}

		public void setPrefixLength(int prefixLength) {
			this.prefixLength = prefixLength;
		}

		public int getCallsPerSession() {
			return this.callsPerSession;
		}

		public void setCallsPerSession(int callsPerSession) {
			this.callsPerSession = callsPerSession;
		}

		public DataSize getPublishRate() {
			return this.publishRate;
		}

		public void setPublishRate(DataSize publishRate) {
			this.publishRate = publishRate;
		}

	}

	public static class Calls {

		/**
		 * Threads of the executor WAMP procedures run on (bean "wampCallExecutor").
		 */
		private int poolSize = 8;

		/**
		 * Most CALLs that may wait for a thread of the call executor, over all sessions;
		 * a CALL beyond is answered with the CALLERROR "http://api.wamp.ws/error#busy".
		 */
		private int queueCapacity = 1000;

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public int getQueueCapacity() {
			return this.queueCapacity;
		}

		public void setQueueCapacity(int queueCapacity) {
			this.queueCapacity = queueCapacity;
		}

	}

	public static class Topics {

		/**
		 * Topics WAMP clients may subscribe to: exact URIs, or prefixes ending in "*".
		 * Any topic when empty.
		 */
		private List<String> subscribe = new ArrayList<>();

		/**
		 * Topics WAMP clients may publish on, by PUBLISH or through a procedure that
		 * publishes on behalf of their session: exact URIs, or prefixes ending in "*".
		 * Any topic when empty.
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

	public static class Auth {

		/**
		 * Whether a WAMP session must authenticate (WAMP-CRA, or a principal on the
		 * WebSocket handshake) before anything but the two WAMP-CRA procedures: until then
		 * its SUBSCRIBE and PUBLISH are refused (logged, counted) and its CALLs answered
		 * with CALLERROR "http://api.wamp.ws/error#not-authorized".
		 */
		private boolean required;

		/**
		 * Time a WAMP session has to authenticate before it is closed (1008). Never closed
		 * for that when not set; sessions with a handshake principal are authenticated
		 * from the start.
		 */
		private @Nullable Duration timeout;

		/**
		 * Mean of the random, exponentially distributed delay before a wrong WAMP-CRA
		 * signature is answered (at most four times the mean), as Autobahn does against
		 * timing attacks.
		 */
		private Duration failureDelay = Duration.ofMillis(800);

		/**
		 * Failed WAMP-CRA attempts (wrong signatures, unknown auth keys) after which a
		 * session is closed (1008).
		 */
		private int maxFailures = 3;

		private final Throttle throttle = new Throttle();

		/**
		 * WAMP-CRA users by auth key, for applications without a WampCraCredentials bean
		 * of their own. Keys with characters other than letters, digits and "-" need
		 * brackets: "pubsubclub.wamp.auth.users[joe@example.com].secret".
		 */
		private Map<String, User> users = new LinkedHashMap<>();

		public boolean isRequired() {
			return this.required;
		}

		public void setRequired(boolean required) {
			this.required = required;
		}

		public @Nullable Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(@Nullable Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getFailureDelay() {
			return this.failureDelay;
		}

		public void setFailureDelay(Duration failureDelay) {
			this.failureDelay = failureDelay;
		}

		public int getMaxFailures() {
			return this.maxFailures;
		}

		public void setMaxFailures(int maxFailures) {
			this.maxFailures = maxFailures;
		}

		public Map<String, User> getUsers() {
			return this.users;
		}

		public Throttle getThrottle() {
			return this.throttle;
		}

		public void setUsers(Map<String, User> users) {
			this.users = users;
		}

	}

	public static class Throttle {

		/**
		 * Whether failed WAMP-CRA attempts are limited across sessions, per auth key and
		 * per remote address, as well as per session.
		 */
		private boolean enabled = true;

		/**
		 * Failed attempts for one auth key, or from one remote address (an IPv6 address by
		 * its /64), after which each further failure holds that key or address back: its
		 * attempts are refused unseen with "http://api.wamp.ws/error#too-many-failures".
		 */
		private int failures = 5;

		/**
		 * Time without a failure after which the count of an auth key or address starts
		 * again.
		 */
		private Duration window = Duration.ofMinutes(15);

		/**
		 * First hold after the failures, doubled by each further failure.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Longest hold.
		 */
		private Duration maxDelay = Duration.ofMinutes(5);

		/**
		 * Most auth keys, and most remote addresses, tracked at once; the least recently
		 * failed are forgotten first.
		 */
		private int maxTracked = 10000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getFailures() {
			return this.failures;
		}

		public void setFailures(int failures) {
			this.failures = failures;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public int getMaxTracked() {
			return this.maxTracked;
		}

		public void setMaxTracked(int maxTracked) {
			this.maxTracked = maxTracked;
		}

	}

	public static class User {

		/**
		 * Secret the client signs WAMP-CRA challenges with; with a salt, the key derived
		 * from the secret instead (base64 of PBKDF2-HMAC-SHA256(secret, salt, iterations,
		 * keylen), AutobahnJS's "ab.deriveKey"), so that the secret itself is not stored.
		 */
		private @Nullable String secret;

		/**
		 * Salt of a salted secret: the challenge then carries "authextra" with the salt,
		 * iterations and keylen, and "secret" holds the derived key.
		 */
		private @Nullable String salt;

		/**
		 * PBKDF2 iterations of a salted secret.
		 */
		private int iterations = 10000;

		/**
		 * Length in bytes of the derived key of a salted secret.
		 */
		private int keylen = 32;

		/**
		 * Topics the user may subscribe to: exact URIs, or prefixes ending in "*". None
		 * when empty.
		 */
		private List<String> subscribe = new ArrayList<>();

		/**
		 * Topics the user may publish on: exact URIs, or prefixes ending in "*". None when
		 * empty.
		 */
		private List<String> publish = new ArrayList<>();

		/**
		 * Procedures the user may call: exact URIs, or prefixes ending in "*". None when
		 * empty.
		 */
		private List<String> call = new ArrayList<>();

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable String getSalt() {
			return this.salt;
		}

		public void setSalt(@Nullable String salt) {
			this.salt = salt;
		}

		public int getIterations() {
			return this.iterations;
		}

		public void setIterations(int iterations) {
			this.iterations = iterations;
		}

		public int getKeylen() {
			return this.keylen;
		}

		public void setKeylen(int keylen) {
			this.keylen = keylen;
		}

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

		public List<String> getCall() {
			return this.call;
		}

		public void setCall(List<String> call) {
			this.call = call;
		}

		@Override
		public String toString() {
			return "User[salted=" + (this.salt != null) + ", subscribe=" + this.subscribe + ", publish="
					+ this.publish + ", call=" + this.call + "]";
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

		private final ServerSsl ssl = new ServerSsl();

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

		public ServerSsl getSsl() {
			return this.ssl;
		}

	}

	public static class ServerSsl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) whose key and certificate serve
		 * the cluster port over TLS (wss://). Plain text (ws://) when not set.
		 */
		private @Nullable String bundle;

		/**
		 * Whether dialling nodes are asked for a certificate that the bundle's trust
		 * store trusts (mutual TLS): "none", "want" (asked for, not required) or "need"
		 * (required).
		 */
		private ClientAuth clientAuth = ClientAuth.NONE;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

	}

	public static class LinkSsl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) with which this node dials cluster
		 * servers over TLS (wss://): its trust store verifies the servers' certificates
		 * and host names (the JDK's trusted CAs when it has none), its key and certificate
		 * answer servers that ask for one. Plain text (ws://) when not set.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * Whether the cluster server asks dialling nodes for a certificate.
	 */
	public enum ClientAuth {

		/**
		 * No certificate is asked for.
		 */
		NONE,

		/**
		 * A certificate is asked for; a node without one is still accepted.
		 */
		WANT,

		/**
		 * A trusted certificate is required.
		 */
		NEED

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

		private final Replay replay = new Replay();

		public Replay getReplay() {
			return this.replay;
		}

		/**
		 * Shortest time between two redials forced through the actuator endpoint, for all
		 * dialled servers or for the same one; a request sooner is refused (HTTP 429).
		 * Zero for no limit.
		 */
		private Duration forcedReconnectInterval = Duration.ofSeconds(10);

		/**
		 * Shared secret of the cluster, at least 16 bytes: this node signs every link it
		 * dials with it (PubSubClub-Auth upgrade header) and accepts only links signed with
		 * it or with one of "accepted-secrets". Links are not authenticated when not set;
		 * a node with a secret cannot link with one without. Best taken from an
		 * environment variable, e.g. "${PUBSUBCLUB_SECRET}".
		 */
		private @Nullable String secret;

		/**
		 * Further secrets accepted from dialling nodes, at least 16 bytes each, for
		 * rotating the secret one node at a time. Needs "secret".
		 */
		private List<String> acceptedSecrets = new ArrayList<>();

		private final LinkSsl ssl = new LinkSsl();

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

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public List<String> getAcceptedSecrets() {
			return this.acceptedSecrets;
		}

		public void setAcceptedSecrets(List<String> acceptedSecrets) {
			this.acceptedSecrets = acceptedSecrets;
		}

		public LinkSsl getSsl() {
			return this.ssl;
		}

	}

	/**
	 * Resume after a link drop (PSC 1.2): the producer's replay buffer and the consumer's
	 * wait for a replay.
	 */
	public static class Replay {

		/**
		 * Most recent forwarded publishes a producer keeps to replay to a consumer that
		 * resumes a dropped link. 0 turns resume off: nothing is kept, and consumers do
		 * not ask for a replay.
		 */
		private int maxEvents = 100_000;

		/**
		 * Most memory the replay buffer may hold (event text plus a small overhead per
		 * event); the oldest events go first.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(32);

		/**
		 * Longest time a forwarded publish is kept for a replay: a drop longer than this
		 * loses what was published in it, and the consumer reports the gap.
		 */
		private Duration maxAge = Duration.ofSeconds(30);

		/**
		 * Longest time a consumer waits for a replay to end (204) before it closes the
		 * link as broken (1002), and a producer waits for a consumer to take its replay
		 * before it cuts the consumer off as too slow (1013).
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public int getMaxEvents() {
			return this.maxEvents;
		}

		public void setMaxEvents(int maxEvents) {
			this.maxEvents = maxEvents;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
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


	/**
	 * The Redis backplane: events between nodes through Redis instead of the cluster mesh.
	 */
	public static class Redis {

		/**
		 * Whether events between nodes go through Redis (Spring Data Redis on Lettuce,
		 * configured by "spring.data.redis.*") instead of the cluster mesh. Cannot be
		 * combined with a cluster role or peers.
		 */
		private boolean enabled;

		/**
		 * How events travel through Redis: "pubsub" (SUBSCRIBE/PUBLISH) or "sharded"
		 * (SSUBSCRIBE/SPUBLISH, Redis Cluster 7+).
		 */
		private io.pubsubclub.redis.RedisMode mode = io.pubsubclub.redis.RedisMode.PUBSUB;

		/**
		 * Prefix of each topic's channel ("prefix{topic}") and history stream
		 * ("prefix{topic}:history"). Must be the same on every node.
		 */
		private String channelPrefix = "pubsubclub:";

		/**
		 * Most publishes of this node waiting for Redis (in flight, or queued while Redis
		 * is unreachable); a publish past it is dropped and counted.
		 */
		private int maxPending = 10000;

		private final RedisHistory history = new RedisHistory();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public io.pubsubclub.redis.RedisMode getMode() {
			return this.mode;
		}

		public void setMode(io.pubsubclub.redis.RedisMode mode) {
			this.mode = mode;
		}

		public String getChannelPrefix() {
			return this.channelPrefix;
		}

		public void setChannelPrefix(String channelPrefix) {
			this.channelPrefix = channelPrefix;
		}

		public int getMaxPending() {
			return this.maxPending;
		}

		public void setMaxPending(int maxPending) {
			this.maxPending = maxPending;
		}

		public RedisHistory getHistory() {
			return this.history;
		}

	}

	/**
	 * The history each topic keeps in Redis (a stream per topic), from which a node
	 * recovers what was published while its Redis connection was down.
	 */
	public static class RedisHistory {

		/**
		 * Whether each publish is also kept in its topic's stream (XADD), so that a node
		 * recovers, exactly once and in order, what it missed during a Redis connection
		 * drop or failover shorter than the history. Needs Redis 7+.
		 */
		private boolean enabled = true;

		/**
		 * Events kept per topic (XADD MAXLEN ~, so Redis may keep somewhat more).
		 */
		private int maxLen = 10000;

		/**
		 * How long events are kept: older ones are trimmed at the next publish on the
		 * topic, and the stream of a topic idle that long expires.
		 */
		private Duration maxAge = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxLen() {
			return this.maxLen;
		}

		public void setMaxLen(int maxLen) {
			this.maxLen = maxLen;
		}

		public Duration getMaxAge() {
			return this.maxAge;
		}

		public void setMaxAge(Duration maxAge) {
			this.maxAge = maxAge;
		}

	}

}
