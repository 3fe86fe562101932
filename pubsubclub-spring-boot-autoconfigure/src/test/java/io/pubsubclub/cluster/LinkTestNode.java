package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.pubsubclub.wamp.event.WampTopicEvent;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * One node's {@link ClusterLinks} without sockets or Spring, for tests of links over
 * {@link RecordingChannel}s: node id {@value #NODE_ID}, producer serving and consumer
 * dialling, a scheduler of its own, {@link TestSubscribers} bridged to the cluster, and
 * the gaps it reports. Closed after each test.
 */
final class LinkTestNode implements AutoCloseable {

	static final long NODE_ID = 777;

	final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

	final TestSubscribers subscribers = new TestSubscribers();

	final List<ClusterGapEvent> gaps = new CopyOnWriteArrayList<>();

	LinkTestNode(int schedulerThreads) {
		this.scheduler.setPoolSize(schedulerThreads);
		this.scheduler.initialize();
	}

	/**
	 * A new cluster of this node with these resume settings: the subscribers' topic events
	 * go to it from now on, and its gaps are recorded.
	 */
	ClusterLinks cluster(ResumeSettings settings) {
		return cluster(settings, new ConcurrentHashMap<>());
	}

	/** The same, with the map of consumers by topic a test forces interleavings on. */
	ClusterLinks cluster(ResumeSettings settings, ConcurrentMap<String, Set<PeerLink>> consumersByTopic) {
		ClusterLinks cluster = new ClusterLinks(NODE_ID,
				Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER, ClusterState.Role.CONSUMER,
						ClusterState.Mode.CLIENT),
				this.subscribers, this.scheduler, Duration.ofSeconds(5), consumersByTopic);
		cluster.setResumeSettings(settings);
		cluster.setEventPublisher((event) -> {
			if (event instanceof ClusterGapEvent gap) {
				this.gaps.add(gap);
			}
		});
		this.subscribers.setApplicationEventPublisher((event) -> cluster.onApplicationEvent((WampTopicEvent) event));
		return cluster;
	}

	/** The producer side of a link accepted from a consumer, which sent this 101. */
	static PeerLink producerLink(ClusterLinks cluster, LinkChannel channel, String hello) {
		PeerLink link = cluster.accepted("127.0.0.1:1", ClusterState.Role.PRODUCER);
		link.opened(channel);
		link.received(hello);
		return link;
	}

	/** The consumer side of a link accepted from a producer, which sent this 102. */
	static PeerLink consumerLink(ClusterLinks cluster, LinkChannel channel, String welcome) {
		PeerLink link = cluster.accepted("127.0.0.1:2", ClusterState.Role.CONSUMER);
		link.opened(channel);
		link.received(welcome);
		return link;
	}

	@Override
	public void close() {
		this.scheduler.shutdown();
	}

}
