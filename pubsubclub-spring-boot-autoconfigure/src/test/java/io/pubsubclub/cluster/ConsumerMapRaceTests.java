package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A consumer's 201 handled at the moment another consumer's 202 empties the topic's set
 * of consumers: the map that holds the sets runs the other link's 202 right after it
 * hands out (or updates) the set for the first link, the narrowest window there is.
 */
class ConsumerMapRaceTests {

	private ThreadPoolTaskScheduler scheduler;

	private final HookedMap consumers = new HookedMap();

	private ClusterLinks cluster;

	@BeforeEach
	void setUp() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.initialize();
		this.cluster = new ClusterLinks(1, Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.SERVER),
				new TestSubscribers(), this.scheduler, Duration.ofSeconds(30), this.consumers);
	}

	@AfterEach
	void tearDown() {
		this.scheduler.shutdown();
	}

	@Test
	void subscribeRacingTheLastUnsubscribeOfAnotherLinkIsNotLost() {
		Frames a = new Frames();
		Frames b = new Frames();
		PeerLink linkA = consumerLink(a);
		PeerLink linkB = consumerLink(b);
		linkB.received("[201,\"t\"]");
		this.consumers.afterNextUpdate = () -> linkB.received("[202,\"t\"]");
		linkA.received("[201,\"t\"]");
		assertThat(this.consumers.afterNextUpdate).as("the race was forced").isNull();
		assertThat(this.cluster.publish("t", "1")).isTrue();
		assertThat(a.sent).contains("[301,\"t\",1]");
		assertThat(b.sent).doesNotContain("[301,\"t\",1]");
	}

	private PeerLink consumerLink(Frames frames) {
		PeerLink link = this.cluster.accepted("127.0.0.1:1", ClusterState.Role.PRODUCER);
		link.opened(frames);
		link.received("[101,[1,1]]");
		return link;
	}

	static final class Frames implements LinkChannel {

		final List<String> sent = new CopyOnWriteArrayList<>();

		@Override
		public boolean send(String frame) {
			this.sent.add(frame);
			return true;
		}

		@Override
		public void close(int code, String reason) {
		}

	}

	/**
	 * Runs a task once, on the updating thread, right after the next update that may
	 * create a topic's set returns.
	 */
	static final class HookedMap extends ConcurrentHashMap<String, Set<PeerLink>> {

		volatile Runnable afterNextUpdate;

		@Override
		public Set<PeerLink> computeIfAbsent(String key, Function<? super String, ? extends Set<PeerLink>> mapping) {
			Set<PeerLink> result = super.computeIfAbsent(key, mapping);
			hook();
			return result;
		}

		@Override
		public Set<PeerLink> compute(String key,
				BiFunction<? super String, ? super Set<PeerLink>, ? extends Set<PeerLink>> remapping) {
			Set<PeerLink> result = super.compute(key, remapping);
			hook();
			return result;
		}

		@Override
		public Set<PeerLink> merge(String key, Set<PeerLink> value,
				BiFunction<? super Set<PeerLink>, ? super Set<PeerLink>, ? extends Set<PeerLink>> remapping) {
			Set<PeerLink> result = super.merge(key, value, remapping);
			hook();
			return result;
		}

		private void hook() {
			Runnable hook = this.afterNextUpdate;
			if (hook != null) {
				this.afterNextUpdate = null;
				hook.run();
			}
		}

	}

}
