package io.pubsubclub.actuate;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterNode;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.ClusterTimings;

/**
 * {@link MeterBinder} for the cluster's meters: publishes forwarded and received, links
 * by state, reconnects, handshake time, drops, and the time a hop spends in each node.
 * Tags take a bounded set of values: links are counted per state, direction and far
 * role, never per peer.
 * <p>
 * What a hop's latency is made of, and what is measured: on the producer,
 * {@code pubsubclub.cluster.latency{type=forward}} from the local publish to its 301
 * queued on every consumer link; on the consumer,
 * {@code pubsubclub.cluster.latency{type=deliver}} from the 301 read off the link to
 * the event handed to every local subscriber. The time between (the producer's send
 * buffer, the network, the consumer's socket) is not measured: a 301 carries no
 * timestamp, and two hosts' clocks do not agree to the precision needed.
 *
 * @author PubSubClub
 */
public class ClusterMeterBinder implements MeterBinder {

	private static final long SNAPSHOT_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final ClusterNode node;

	private final ClusterLinks links;

	private final List<Timer> forwardTimers = new CopyOnWriteArrayList<>();

	private final List<Timer> deliverTimers = new CopyOnWriteArrayList<>();

	private volatile @Nullable LinkCounts linkCounts;

	/**
	 * Create the binder.
	 * @param node the cluster node
	 * @param links the node's links, which report their timings to this binder
	 */
	public ClusterMeterBinder(ClusterNode node, ClusterLinks links) {
		this.node = node;
		this.links = links;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ClusterNode node = this.node;
		counter(registry, "pubsubclub.publishes", "forwarded", ClusterState.Totals::publishesForwarded,
				"Publishes: made on this node (local), forwarded to the cluster, received from it");
		counter(registry, "pubsubclub.publishes", "received", ClusterState.Totals::eventsReceived,
				"Publishes: made on this node (local), forwarded to the cluster, received from it");
		FunctionCounter.builder("pubsubclub.cluster.events", node, (n) -> n.totals().eventsForwarded())
			.description("301 frames: queued to consumer links (out), received from producer links (in)")
			.tag("direction", "out")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.events", node, (n) -> n.totals().eventsReceived())
			.description("301 frames: queued to consumer links (out), received from producer links (in)")
			.tag("direction", "in")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.reconnects", node, (n) -> n.totals().reconnectAttempts())
			.description("Dial attempts after the first to a cluster server")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.self.links", node, (n) -> n.totals().selfLinks())
			.description("Links found to lead back to this node")
			.register(registry);
		FunctionTimer
			.builder("pubsubclub.cluster.handshakes", node, (n) -> n.totals().handshakes(),
					(n) -> n.totals().handshakeNanos(), TimeUnit.NANOSECONDS)
			.description("Completed link handshakes (101/102), from the WebSocket open to ready")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.resumes", node, (n) -> n.totals().resume().resumes())
			.description("Replays this node asked for after a link drop and saw end (PSC 1.2)")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.replayed", node, (n) -> n.totals().resume().replayed())
			.description("Events received again in replays after a link drop")
			.tag("direction", "in")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.replayed", node, (n) -> n.totals().resume().eventsReplayed())
			.description("Events sent again in replays after a link drop")
			.tag("direction", "out")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.gaps", node, (n) -> n.totals().resume().gaps())
			.description("Gaps found in a producer's events: a drop that outlasted its replay buffer, or a restart")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.gap.missed", node, (n) -> n.totals().resume().missed())
			.description("Sequence numbers reported missed by gaps of known size")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.duplicates", node, (n) -> n.totals().resume().duplicates())
			.description("301s dropped as already delivered (PSC 1.2)")
			.register(registry);
		FunctionCounter.builder("pubsubclub.cluster.withheld", node, (n) -> n.totals().resume().withheld())
			.description("Publishes naming WAMP sessions not forwarded to a 1.0/1.1 link, which cannot honour them")
			.register(registry);
		Gauge.builder("pubsubclub.cluster.replay.buffer", node, (n) -> n.totals().resume().bufferedEvents())
			.description("Events the replay buffer holds")
			.baseUnit("events")
			.register(registry);
		Gauge.builder("pubsubclub.cluster.replay.buffer.size", node, (n) -> n.totals().resume().bufferedBytes())
			.description("Memory the replay buffer holds")
			.baseUnit("bytes")
			.register(registry);
		Drops.register(registry, "slow-peer", "cluster-link", node, (n) -> n.totals().slowPeerDisconnects());
		Drops.register(registry, "bad-frame", "cluster-link", node, (n) -> n.totals().badFrames());
		Drops.register(registry, "link-buffer", "cluster-frame", node, (n) -> n.totals().framesDropped());
		for (ClusterState.Status status : ClusterState.Status.values()) {
			for (ClusterState.Direction direction : ClusterState.Direction.values()) {
				for (String role : new String[] { "producer", "consumer", "unknown" }) {
					String key = key(status, direction, role);
					Gauge.builder("pubsubclub.cluster.links", this, (binder) -> binder.linkCount(key))
						.description("Cluster links by state, direction and the far side's role")
						.tag("status", WampServerMeterBinder.tag(status))
						.tag("direction", WampServerMeterBinder.tag(direction))
						.tag("role", role)
						.register(registry);
				}
			}
		}
		this.forwardTimers.add(latency(registry, "forward",
				"Time from a local publish to its 301 queued on every consumer link that asked for it"));
		this.deliverTimers.add(latency(registry, "deliver",
				"Time from a 301 read off a producer link to the event handed to every local subscriber"));
		this.links.setTimings(new Timings());
	}

	private void counter(MeterRegistry registry, String name, String type,
			ToLongFunction<ClusterState.Totals> value, String description) {
		FunctionCounter.builder(name, this.node, (n) -> value.applyAsLong(n.totals()))
			.description(description)
			.tag("type", type)
			.register(registry);
	}

	private static Timer latency(MeterRegistry registry, String type, String description) {
		return Timer.builder("pubsubclub.cluster.latency").description(description).tag("type", type).register(registry);
	}

	private static String key(ClusterState.Status status, ClusterState.Direction direction, String role) {
		return status + "/" + direction + "/" + role;
	}

	// every gauge reads the same snapshot, taken at most once a second
	private double linkCount(String key) {
		LinkCounts counts = this.linkCounts;
		long now = System.nanoTime();
		if (counts == null || now - counts.takenNanos() > SNAPSHOT_TTL_NANOS) {
			Map<String, Integer> byKey = new HashMap<>();
			for (ClusterState.Link link : this.node.state().links()) {
				ClusterState.Role farRole = link.farRole();
				String role = (farRole != null) ? WampServerMeterBinder.tag(farRole) : "unknown";
				byKey.merge(key(link.status(), link.direction(), role), 1, Integer::sum);
			}
			counts = new LinkCounts(now, byKey);
			this.linkCounts = counts;
		}
		return counts.byKey().getOrDefault(key, 0);
	}

	private record LinkCounts(long takenNanos, Map<String, Integer> byKey) {
	}

	private final class Timings implements ClusterTimings {

		@Override
		public void forwarded(long nanos) {
			for (Timer timer : ClusterMeterBinder.this.forwardTimers) {
				timer.record(nanos, TimeUnit.NANOSECONDS);
			}
		}

		@Override
		public void delivered(long nanos) {
			for (Timer timer : ClusterMeterBinder.this.deliverTimers) {
				timer.record(nanos, TimeUnit.NANOSECONDS);
			}
		}

	}

}
