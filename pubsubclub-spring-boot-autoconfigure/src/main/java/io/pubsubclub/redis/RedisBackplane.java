package io.pubsubclub.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterGapEvent;
import io.pubsubclub.support.RateLimitedLog;
import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampTopicEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The Redis backplane: the same bridge as the cluster mesh, through Redis. This class
 * holds the connections and the lifecycle, and hands the WAMP server's events to its
 * two sides: {@link RedisPublisher} (a local publish to its topic's channel, tagged so
 * that this node does not deliver it again, with the session lists other nodes apply)
 * and {@link RedisSubscriptions} (a topic's channel subscribed while it has local
 * subscribers; what arrives delivered once and in the order Redis took it), with
 * {@link HistoryRecovery} reading a topic's history after every (re)subscription when
 * history is on, and reporting what it no longer holds as a gap ({@link ClusterGapEvent}
 * with producer id {@link #UNKNOWN_PRODUCER}). Without history, every re-subscription
 * after a reconnect is reported as a gap of unknown size.
 * <p>
 * Invariants: the connections are opened once, at start (on the starting thread) or by
 * a retry on the backplane's own thread ({@code pubsubclub-redis}), and closed at stop;
 * Lettuce reconnects them and subscribes their channels again. Local delivery goes on
 * whatever Redis does.
 * <p>
 * Bounds: a first connection that fails is retried every {@link #MIN_RETRY_MILLIS} ms
 * doubling to {@link #MAX_RETRY_MILLIS} ms; the bounds of each side are in its Javadoc;
 * {@link #state()} lists at most {@link #MAX_LISTED_CHANNELS} channels.
 *
 * @author PubSubClub
 */
public class RedisBackplane implements ApplicationListener<WampTopicEvent>, SmartLifecycle {

	/** The producer id of the gaps the backplane reports: any node may have published. */
	public static final long UNKNOWN_PRODUCER = -1;

	/** Most channels listed by {@link #state()}. */
	public static final int MAX_LISTED_CHANNELS = 100;

	static final long MIN_RETRY_MILLIS = 500;

	static final long MAX_RETRY_MILLIS = 30_000;

	/** Most WARN lines a minute; the others at DEBUG, counted in the next WARN line. */
	static final int WARNINGS_PER_MINUTE = 10;

	private static final Log logger = LogFactory.getLog(RedisBackplane.class);

	private final long nodeId;

	private final RedisBackplaneSettings settings;

	private final Supplier<AbstractRedisClient> client;

	private final String endpoint;

	private final ApplicationEventPublisher eventPublisher;

	private final RedisCounters counters = new RedisCounters();

	private final RateLimitedLog warnings = RateLimitedLog.warn(WARNINGS_PER_MINUTE, Duration.ofMinutes(1))
		.summary((unlogged, total) -> (unlogged > 0) ? " (" + unlogged + " such lines before this one were not logged)"
				: "")
		.build();

	private final RedisPublisher publisher;

	private final RedisSubscriptions subscriptions;

	private volatile @Nullable RedisConnections connections;

	private volatile @Nullable ScheduledThreadPoolExecutor executor;

	private volatile boolean running;

	private volatile long disconnectedAt;

	private volatile @Nullable String lastError;

	/**
	 * Create the backplane.
	 * @param nodeId this node's id
	 * @param settings the settings
	 * @param localSubscribers the local WAMP subscribers
	 * @param client the application's Lettuce client (asked for when the backplane
	 * starts)
	 * @param endpoint where Redis is, without credentials, for logs and the actuator
	 * @param eventPublisher where gaps are published
	 */
	public RedisBackplane(long nodeId, RedisBackplaneSettings settings, LocalSubscribers localSubscribers,
			Supplier<AbstractRedisClient> client, String endpoint, ApplicationEventPublisher eventPublisher) {
		this.nodeId = nodeId;
		this.settings = settings;
		this.client = client;
		this.endpoint = endpoint;
		this.eventPublisher = eventPublisher;
		this.publisher = new RedisPublisher(this, settings, localSubscribers, this.counters);
		this.subscriptions = new RedisSubscriptions(this, settings, localSubscribers, this.counters,
				this.publisher.instance());
	}

	public long nodeId() {
		return this.nodeId;
	}

	public RedisBackplaneSettings settings() {
		return this.settings;
	}

	@Override
	public void start() {
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "pubsubclub-redis");
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.executor = executor;
		this.running = true;
		// at once on the starting thread, so that a node whose Redis is up is connected
		// when the context is; retried on the backplane's thread otherwise
		connect(MIN_RETRY_MILLIS);
	}

	private void connect(long retryMillis) {
		if (!this.running) {
			return;
		}
		try {
			RedisConnections connections = RedisConnections.open(this.client.get(), this.settings.mode(),
					new Listener(), new StateListener());
			this.connections = connections;
			logger.info("Redis backplane of node " + this.nodeId + " connected to " + this.endpoint + " ("
					+ this.settings.mode().name().toLowerCase(java.util.Locale.ROOT) + ", history "
					+ (this.settings.history() ? "on" : "off") + ")");
		}
		catch (RuntimeException ex) {
			String why = RedisFailures.describe(ex);
			this.lastError = why;
			logger.warn("Redis backplane of node " + this.nodeId + " cannot reach Redis at " + this.endpoint
					+ " (" + why + "); retrying in " + retryMillis + " ms; local delivery goes on");
			schedule(() -> connect(Math.min(retryMillis * 2, MAX_RETRY_MILLIS)), retryMillis);
			return;
		}
		this.subscriptions.subscribeAll();
	}

	@Override
	public void stop() {
		this.running = false;
		RedisConnections connections = this.connections;
		this.connections = null;
		this.subscriptions.closeAll();
		if (connections != null) {
			connections.close();
		}
		ScheduledThreadPoolExecutor executor = this.executor;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// after the web server (which takes the WAMP clients), before it on the way down
		return SmartLifecycle.DEFAULT_PHASE - 2048;
	}

	@Override
	public void onApplicationEvent(WampTopicEvent event) {
		if (event instanceof WampPublishedEvent published) {
			this.publisher.publish(published);
		}
		else if (event instanceof WampSubscribedEvent || event instanceof WampUnsubscribedEvent) {
			this.subscriptions.topicChanged(event.getTopic());
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		return false;
	}

	/**
	 * Whether both connections to Redis are up.
	 * @return whether connected
	 */
	public boolean isConnected() {
		RedisConnections connections = this.connections;
		return connections != null && connections.isConnected();
	}

	// -- shared with the publishing and receiving sides

	@Nullable RedisConnections connections() {
		return this.connections;
	}

	String endpoint() {
		return this.endpoint;
	}

	void failed(@Nullable String error) {
		this.lastError = error;
	}

	/** A WARN about this backplane, rate-limited. */
	void warn(String line) {
		this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + ": " + line);
	}

	void publishGap(ClusterGapEvent gap) {
		try {
			this.eventPublisher.publishEvent(gap);
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of ClusterGapEvent failed", ex);
		}
	}

	void schedule(Runnable task, long delayMillis) {
		ScheduledThreadPoolExecutor executor = this.executor;
		if (executor != null && this.running) {
			try {
				executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	// -- state

	/**
	 * Return a snapshot of the backplane.
	 * @return the state
	 */
	public RedisBackplaneState state() {
		List<String> channels = new ArrayList<>();
		int recovering = 0;
		int subscribed = 0;
		for (TopicReceiver receiver : this.subscriptions.receivers()) {
			subscribed++;
			if (channels.size() < MAX_LISTED_CHANNELS) {
				channels.add(receiver.channel());
			}
			if (receiver.state() != TopicReceiver.State.LIVE) {
				recovering++;
			}
		}
		channels.sort(null);
		RedisCounters c = this.counters;
		return new RedisBackplaneState(this.nodeId, this.settings.mode(), this.endpoint, isConnected(),
				this.settings.history(), subscribed, channels, recovering, this.publisher.pending(),
				c.published.sum(), c.publishFailures.sum(), c.dropped.sum(), c.received.sum(), c.recovered.sum(),
				c.duplicates.sum(), c.malformed.sum(), c.gaps.sum(), c.missed.sum(), c.resent.sum(), c.reconnects.sum(),
				this.lastError);
	}

	private final class Listener extends RedisPubSubAdapter<String, String> {

		@Override
		public void message(String channel, String message) {
			RedisBackplane.this.subscriptions.received(channel, message);
		}

		@Override
		public void smessage(String channel, String message) {
			RedisBackplane.this.subscriptions.received(channel, message);
		}

		@Override
		public void subscribed(String channel, long count) {
			RedisBackplane.this.subscriptions.subscribed(channel);
		}

		@Override
		public void ssubscribed(String channel, long count) {
			RedisBackplane.this.subscriptions.subscribed(channel);
		}

	}

	private final class StateListener implements RedisConnectionStateListener {

		@Override
		public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
			RedisConnections connections = RedisBackplane.this.connections;
			if (connections != null && connections.isPubSub(connection)
					&& RedisBackplane.this.disconnectedAt != 0) {
				RedisBackplane.this.counters.reconnects.increment();
				logger.info("Redis backplane of node " + RedisBackplane.this.nodeId + " reconnected to "
						+ RedisBackplane.this.endpoint + " (" + socketAddress + "); subscribing its channels again");
			}
		}

		@Override
		public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
			RedisConnections connections = RedisBackplane.this.connections;
			if (connections != null && connections.isPubSub(connection) && RedisBackplane.this.running) {
				RedisBackplane.this.disconnectedAt = System.nanoTime();
				logger.warn("Redis backplane of node " + RedisBackplane.this.nodeId + " lost its connection to "
						+ RedisBackplane.this.endpoint + "; local delivery goes on, Lettuce reconnects");
			}
		}

		@Override
		public void onRedisExceptionCaught(RedisChannelHandler<?, ?> connection, Throwable cause) {
			RedisBackplane.this.lastError = RedisFailures.describe(cause);
		}

	}

}
