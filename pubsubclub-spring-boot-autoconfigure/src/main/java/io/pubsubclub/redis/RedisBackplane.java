package io.pubsubclub.redis;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.ClusterGapEvent;
import io.pubsubclub.support.RateLimitedLog;
import io.pubsubclub.wamp.event.LocalSubscribers;
import io.pubsubclub.wamp.event.RemoteSessions;
import io.pubsubclub.wamp.event.WampPublishedEvent;
import io.pubsubclub.wamp.event.WampSubscribedEvent;
import io.pubsubclub.wamp.event.WampTopicEvent;
import io.pubsubclub.wamp.event.WampUnsubscribedEvent;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;

/**
 * The Redis backplane: the same bridge as the cluster mesh, through Redis. A topic's
 * channel is subscribed when its first local subscriber arrives and unsubscribed when
 * the last one leaves; a local publish goes to the channel with this node's start
 * ({@code instance}) and id, so that this node does not deliver it again, and with the
 * WAMP sessions it names on other nodes, whose lists every node applies. With history
 * on, each publish also goes to the topic's stream in the same atomic step, and after
 * any (re)subscription the node reads the stream from the last id it saw (see
 * {@link TopicReceiver}): what was published while its connection was down is delivered
 * exactly once and in order, and what the stream no longer holds is reported as a gap
 * ({@link ClusterGapEvent} with producer id {@link #UNKNOWN_PRODUCER}, a WARN, the gap
 * counter). Without history, every re-subscription after a reconnect is reported as a
 * gap of unknown size.
 * <p>
 * Bounds: {@link RedisBackplaneSettings#maxPending()} publishes waiting for Redis (more
 * are dropped and counted); one {@link TopicReceiver} per locally subscribed topic;
 * recovery reads {@link RedisBackplaneSettings#RECOVERY_BATCH} entries at a time. A lost
 * connection is retried by Lettuce; a first connection that fails is retried here every
 * {@link #MIN_RETRY_MILLIS} ms doubling to {@link #MAX_RETRY_MILLIS} ms, on the
 * backplane's own thread. Local delivery goes on whatever Redis does.
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

	/** Times a publish whose reply a connection drop failed is sent again. */
	static final int MAX_RESENDS = 8;

	/** Most WARN lines a minute; the others at DEBUG, counted in the next WARN line. */
	static final int WARNINGS_PER_MINUTE = 10;

	private static final Log logger = LogFactory.getLog(RedisBackplane.class);

	private final long nodeId;

	private final RedisBackplaneSettings settings;

	private final LocalSubscribers localSubscribers;

	private final Supplier<AbstractRedisClient> client;

	private final String endpoint;

	private final ApplicationEventPublisher eventPublisher;

	private final RedisCounters counters = new RedisCounters();

	private final RateLimitedLog warnings = RateLimitedLog.warn(WARNINGS_PER_MINUTE, Duration.ofMinutes(1))
		.summary((unlogged, total) -> (unlogged > 0) ? " (" + unlogged + " such lines before this one were not logged)"
				: "")
		.build();

	private final Map<String, TopicReceiver> receivers = new ConcurrentHashMap<>();

	private final Object subscriptionLock = new Object();

	private final Object publishLock = new Object();

	private final AtomicInteger pending = new AtomicInteger();

	private final long instance = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);

	// guarded by publishLock
	private long seq;

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
		this.localSubscribers = localSubscribers;
		this.client = client;
		this.endpoint = endpoint;
		this.eventPublisher = eventPublisher;
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
			this.lastError = ex.getMessage();
			logger.warn("Redis backplane of node " + this.nodeId + " cannot reach Redis at " + this.endpoint
					+ " (" + ex.getMessage() + "); retrying in " + retryMillis + " ms; local delivery goes on");
			schedule(() -> connect(Math.min(retryMillis * 2, MAX_RETRY_MILLIS)), retryMillis);
			return;
		}
		for (String topic : this.localSubscribers.topics()) {
			topicChanged(topic);
		}
	}

	@Override
	public void stop() {
		this.running = false;
		RedisConnections connections = this.connections;
		this.connections = null;
		synchronized (this.subscriptionLock) {
			this.receivers.values().forEach(TopicReceiver::close);
			this.receivers.clear();
		}
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
			publish(published);
		}
		else if (event instanceof WampSubscribedEvent || event instanceof WampUnsubscribedEvent) {
			topicChanged(event.getTopic());
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

	// -- publishing

	private void publish(WampPublishedEvent event) {
		RedisConnections connections = this.connections;
		if (connections == null) {
			this.counters.dropped.increment();
			this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + " not connected to " + this.endpoint
					+ " yet: a publish on " + event.getTopic() + " reached local subscribers only");
			return;
		}
		if (this.pending.incrementAndGet() > this.settings.maxPending()) {
			this.pending.decrementAndGet();
			this.counters.dropped.increment();
			this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + ": " + this.settings.maxPending()
					+ " publishes already wait for Redis at " + this.endpoint + " (pubsubclub.redis.max-pending); "
					+ "a publish on " + event.getTopic() + " reached local subscribers only");
			return;
		}
		String topic = event.getTopic();
		String sessions = remoteSessions(event.getExclude(), event.getEligible());
		String channel = this.settings.channel(topic);
		java.util.concurrent.CompletionStage<?> sent;
		try {
			// the sequence number must follow the order in which publishes reach Redis:
			// Lettuce queues the command without blocking or calling back into us
			synchronized (this.publishLock) {
				String text = RedisEnvelope.encode(this.instance, ++this.seq, this.nodeId, sessions,
						event.getEventJson());
				sent = this.settings.history()
						? connections.publishWithHistory(this.settings.streamKey(topic),
								this.settings.counterKey(topic), channel, text, this.settings.maxLen(),
								this.settings.maxAge().toMillis())
						: connections.publish(channel, "-\n" + text);
				sent.whenComplete((result, ex) -> published(ex, topic, text, 0));
			}
		}
		catch (RuntimeException ex) {
			published(ex, topic, "", MAX_RESENDS);
		}
	}

	private void published(@Nullable Throwable failure, String topic, String text, int resends) {
		if (failure == null) {
			this.pending.decrementAndGet();
			this.counters.published.increment();
			return;
		}
		if (resends < MAX_RESENDS && this.running && !(failure instanceof RedisCommandExecutionException)) {
			// the connection dropped before the reply: Redis may or may not have taken
			// it, and Lettuce resends only the commands it had not failed. Sent again
			// with the same sequence number, which receivers deliver once
			this.counters.resent.increment();
			long delay = Math.min(MIN_RETRY_MILLIS << resends, MAX_RETRY_MILLIS);
			schedule(() -> resend(topic, text, resends + 1), delay);
			return;
		}
		this.pending.decrementAndGet();
		this.counters.publishFailures.increment();
		this.lastError = failure.getMessage();
		this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + ": a publish on " + topic
				+ " failed at " + this.endpoint + " (" + failure.getMessage() + "); it reached local subscribers only");
	}

	private void resend(String topic, String text, int resends) {
		RedisConnections connections = this.connections;
		if (connections == null) {
			published(new IllegalStateException("backplane stopped"), topic, text, MAX_RESENDS);
			return;
		}
		try {
			(this.settings.history()
					? connections.publishWithHistory(this.settings.streamKey(topic), this.settings.counterKey(topic),
							this.settings.channel(topic), text, this.settings.maxLen(),
							this.settings.maxAge().toMillis())
					: connections.publish(this.settings.channel(topic), "-\n" + text))
				.whenComplete((result, ex) -> published(ex, topic, text, resends));
		}
		catch (RuntimeException ex) {
			published(ex, topic, text, resends);
		}
	}

	// the sessions that matter on other nodes: the lists without this node's own
	// sessions, to which they were applied already; null when it names no other session
	private @Nullable String remoteSessions(@Nullable Set<String> exclude, @Nullable Set<String> eligible) {
		RemoteSessions remote = RemoteSessions.of(this.localSubscribers, exclude, eligible);
		return remote.none() ? null : RedisEnvelope.sessions(remote.exclude(), remote.eligible());
	}

	// -- subscriptions

	private void topicChanged(String topic) {
		// the event only says the topic changed; the subscribers say how, whatever order
		// concurrent events arrive in. Lettuce queues SUBSCRIBE/UNSUBSCRIBE without
		// blocking or calling back into us, in the order decided here
		synchronized (this.subscriptionLock) {
			RedisConnections connections = this.connections;
			if (connections == null || !this.running) {
				return;
			}
			boolean wanted = this.localSubscribers.hasSubscribers(topic);
			TopicReceiver receiver = this.receivers.get(topic);
			if (wanted && receiver == null) {
				receiver = new TopicReceiver(topic, this.settings);
				this.receivers.put(topic, receiver);
				if (this.settings.history()) {
					startFromHistory(receiver, MIN_RETRY_MILLIS);
				}
				else {
					connections.subscribe(receiver.channel());
				}
			}
			else if (!wanted && receiver != null) {
				this.receivers.remove(topic);
				receiver.close();
				connections.unsubscribe(receiver.channel());
			}
		}
	}

	// the stream's last id before subscribing: what is published after it is either
	// received on the channel or read from the stream once subscribed
	private void startFromHistory(TopicReceiver receiver, long retryMillis) {
		RedisConnections connections = this.connections;
		if (connections == null || receiver.isClosed()) {
			return;
		}
		connections.historyEnd(receiver.streamKey(), receiver.counterKey()).whenComplete((end, ex) -> {
			if (ex != null) {
				this.lastError = ex.getMessage();
				schedule(() -> startFromHistory(receiver, Math.min(retryMillis * 2, MAX_RETRY_MILLIS)), retryMillis);
				return;
			}
			receiver.started(end);
			synchronized (this.subscriptionLock) {
				RedisConnections current = this.connections;
				if (current != null && this.receivers.get(receiver.topic()) == receiver) {
					current.subscribe(receiver.channel());
				}
			}
		});
	}

	private void subscribed(String channel) {
		String topic = this.settings.topicOf(channel);
		TopicReceiver receiver = (topic != null) ? this.receivers.get(topic) : null;
		if (receiver == null) {
			return;
		}
		boolean again = receiver.subscribed();
		if (this.settings.history()) {
			recover(receiver);
		}
		else if (again) {
			reportGap(receiver.topic(), OptionalLong.empty(), "the channel was subscribed again after a Redis connection drop, and "
					+ "history is off (pubsubclub.redis.history.enabled)");
		}
	}

	// -- receiving

	private void received(String channel, String message) {
		String topic = this.settings.topicOf(channel);
		TopicReceiver receiver = (topic != null) ? this.receivers.get(topic) : null;
		if (receiver == null) {
			// unsubscribed meanwhile
			return;
		}
		RedisEnvelope.Received received;
		try {
			received = RedisEnvelope.decodeMessage(message);
		}
		catch (IllegalArgumentException ex) {
			malformed(channel, ex);
			return;
		}
		TopicReceiver.Verdict verdict = receiver.live(received);
		if (verdict == TopicReceiver.Verdict.DELIVER) {
			deliver(receiver, received, false);
		}
		else if (verdict == TopicReceiver.Verdict.DUPLICATE) {
			this.counters.duplicates.increment();
		}
		else if (verdict == TopicReceiver.Verdict.RECOVER) {
			recover(receiver);
		}
	}

	private void malformed(String where, IllegalArgumentException ex) {
		this.counters.malformed.increment();
		this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + ": not a PubSubClub publish on " + where
				+ " (" + ex.getMessage() + "); dropped");
	}

	private void deliver(TopicReceiver receiver, RedisEnvelope.Received received, boolean recovered) {
		if (received.instance() == this.instance) {
			// this node's own publish: its local subscribers had it already
			return;
		}
		if (received.exclude() == null && received.eligible() == null) {
			this.localSubscribers.deliver(receiver.topic(), received.eventJson());
		}
		else {
			this.localSubscribers.deliver(receiver.topic(), received.eventJson(), received.exclude(),
					received.eligible());
		}
		this.counters.received.increment();
		if (recovered) {
			this.counters.recovered.increment();
		}
	}

	// -- history

	private void recover(TopicReceiver receiver) {
		if (!receiver.beginRecovery()) {
			return;
		}
		this.counters.recoveries.increment();
		recover(receiver, MIN_RETRY_MILLIS);
	}

	// the counter first: what was numbered before the passes and is not in the stream
	// was trimmed from it
	private void recover(TopicReceiver receiver, long retryMillis) {
		RedisConnections connections = this.connections;
		if (connections == null || receiver.isClosed()) {
			return;
		}
		connections.counter(receiver.counterKey()).whenComplete((number, ex) -> {
			if (ex != null) {
				retry(ex, () -> recover(receiver, Math.min(retryMillis * 2, MAX_RETRY_MILLIS)), retryMillis);
				return;
			}
			pass(receiver, number, MIN_RETRY_MILLIS);
		});
	}

	private void pass(TopicReceiver receiver, long counter, long retryMillis) {
		RedisConnections connections = this.connections;
		StreamId last = receiver.lastId();
		if (connections == null || receiver.isClosed() || last == null) {
			return;
		}
		int batch = RedisBackplaneSettings.RECOVERY_BATCH;
		connections.range(receiver.streamKey(), last.next(), batch).whenComplete((entries, ex) -> {
			if (ex != null) {
				retry(ex, () -> pass(receiver, counter, Math.min(retryMillis * 2, MAX_RETRY_MILLIS)), retryMillis);
				return;
			}
			for (RedisConnections.Entry entry : entries) {
				RedisEnvelope.Received received;
				try {
					String text = entry.text();
					String number = entry.number();
					if (text == null || number == null) {
						throw new IllegalArgumentException("no m or n field");
					}
					received = RedisEnvelope.decode(StreamId.parse(entry.id()), RedisEnvelope.number(number), text);
				}
				catch (IllegalArgumentException failure) {
					malformed(receiver.streamKey() + " " + entry.id(), failure);
					continue;
				}
				TopicReceiver.Recovered recovered = receiver.recovered(received);
				if (recovered.restarted()) {
					reportGap(receiver.topic(), OptionalLong.empty(), "its history began anew (it expired, or Redis "
							+ "lost it in a restart) during a Redis connection drop");
				}
				else if (recovered.missed() > 0) {
					reportGap(receiver.topic(), OptionalLong.of(recovered.missed()), recovered.missed()
							+ " events were trimmed from its history before this node read them "
							+ "(pubsubclub.redis.history.max-len / max-age)");
				}
				if (recovered.verdict() == TopicReceiver.Verdict.DELIVER) {
					deliver(receiver, received, true);
				}
				else if (recovered.verdict() == TopicReceiver.Verdict.DUPLICATE) {
					this.counters.duplicates.increment();
				}
			}
			if (entries.size() >= batch) {
				pass(receiver, counter, MIN_RETRY_MILLIS);
				return;
			}
			long missed = receiver.reachedEnd(counter);
			if (missed > 0) {
				reportGap(receiver.topic(), OptionalLong.of(missed), missed
						+ " events were trimmed from its history before this node read them "
						+ "(pubsubclub.redis.history.max-len / max-age)");
			}
			if (receiver.passEnded()) {
				pass(receiver, counter, MIN_RETRY_MILLIS);
			}
		});
	}

	private void retry(Throwable failure, Runnable task, long retryMillis) {
		this.lastError = failure.getMessage();
		this.warnings.log(logger, () -> "Redis backplane of node " + this.nodeId + ": reading history at " + this.endpoint
				+ " failed (" + failure.getMessage() + "); retrying in " + retryMillis + " ms");
		schedule(task, retryMillis);
	}

	private void reportGap(String topic, OptionalLong missed, String why) {
		this.counters.gaps.increment();
		if (missed.isPresent()) {
			this.counters.missed.add(missed.getAsLong());
		}
		logger.warn("Redis backplane of node " + this.nodeId + ": events on " + topic + " may be lost: " + why);
		try {
			this.eventPublisher.publishEvent(
					new ClusterGapEvent(this, UNKNOWN_PRODUCER, List.of(topic), missed, false));
		}
		catch (RuntimeException ex) {
			logger.warn("A listener of ClusterGapEvent failed", ex);
		}
	}

	private void schedule(Runnable task, long delayMillis) {
		ScheduledThreadPoolExecutor executor = this.executor;
		if (executor != null && this.running) {
			try {
				executor.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
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
		for (TopicReceiver receiver : this.receivers.values()) {
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
				this.settings.history(), this.receivers.size(), channels, recovering, this.pending.get(),
				c.published.sum(), c.publishFailures.sum(), c.dropped.sum(), c.received.sum(), c.recovered.sum(),
				c.duplicates.sum(), c.malformed.sum(), c.gaps.sum(), c.missed.sum(), c.resent.sum(), c.reconnects.sum(),
				this.lastError);
	}

	private final class Listener extends RedisPubSubAdapter<String, String> {

		@Override
		public void message(String channel, String message) {
			received(channel, message);
		}

		@Override
		public void smessage(String channel, String message) {
			received(channel, message);
		}

		@Override
		public void subscribed(String channel, long count) {
			RedisBackplane.this.subscribed(channel);
		}

		@Override
		public void ssubscribed(String channel, long count) {
			RedisBackplane.this.subscribed(channel);
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
			RedisBackplane.this.lastError = cause.getMessage();
		}

	}

}
