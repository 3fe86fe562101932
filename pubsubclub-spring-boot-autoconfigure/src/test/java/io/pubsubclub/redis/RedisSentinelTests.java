package io.pubsubclub.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backplane through Redis Sentinel ({@code spring.data.redis.sentinel.*}): a master,
 * one replica and one sentinel on loopback. Events cross while the master is up; then
 * the master is killed while events flow, the sentinel promotes the replica, and Lettuce
 * finds the new master through the sentinel.
 */
class RedisSentinelTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String TOPIC = "http://example.com/redis#sentinel";

	private static final String MASTER = "pubsubclub-master";

	@RegisterExtension
	final RedisTestBed redis = new RedisTestBed();

	@Test
	void eventsCrossThroughSentinelAndAFailoverLosesNoneOrReportsAGap() throws Exception {
		RedisServers.Server master = this.redis.servers.start();
		RedisServers.Server replica = this.redis.servers.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
		await().atMost(WAIT).until(() -> master.cli("INFO", "replication").contains("connected_slaves:1"));
		RedisServers.Server sentinel = this.redis.servers.startSentinel(MASTER, master.port(), 1, 1000);
		String[] properties = { "spring.data.redis.sentinel.master=" + MASTER,
				"spring.data.redis.sentinel.nodes=127.0.0.1:" + sentinel.port() };
		RedisTestNodes.Node a = this.redis.nodes.start(master.port(), properties);
		RedisTestNodes.Node b = this.redis.nodes.start(master.port(), properties);
		assertThat(b.state().endpoint()).contains("sentinel master " + MASTER);
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> b.state().connected() && b.state().channels() == 1 && b.state().recovering() == 0);
		a.subscribers().publish(TOPIC, "0");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 1);
		assertThat(b.subscribers().delivered()).containsExactly(TOPIC + " 0");

		// the master killed while events flow: the sentinel promotes the replica
		int events = 60;
		for (int i = 1; i < events; i++) {
			if (i == 20) {
				master.kill();
			}
			a.subscribers().publish(TOPIC, Integer.toString(i));
			Thread.sleep(20);
		}
		await().atMost(WAIT).until(() -> replica.cli("ROLE").startsWith("master"));
		a.subscribers().publish(TOPIC, Integer.toString(events));
		await().atMost(WAIT).until(() -> b.subscribers().delivered().contains(TOPIC + " " + events));
		await().atMost(WAIT).until(() -> a.state().pending() == 0);
		List<String> delivered = new ArrayList<>(b.subscribers().delivered());
		Set<String> once = new LinkedHashSet<>(delivered);
		assertThat(once).as("each delivered at most once").hasSameSizeAs(delivered);
		List<String> missing = new ArrayList<>();
		for (int i = 0; i <= events; i++) {
			if (!once.contains(TOPIC + " " + i)) {
				missing.add(Integer.toString(i));
			}
		}
		// what the replica had not received when the master died is lost to Redis
		// itself (asynchronous replication): never silently
		if (!missing.isEmpty()) {
			assertThat(b.gaps()).as("missing %s without a gap report", missing).isNotEmpty();
		}
		System.out.println("Sentinel failover: " + delivered.size() + " of " + (events + 1) + " delivered, missing "
				+ missing + ", gaps " + b.gaps().size() + ", reconnects " + b.state().reconnects() + ", recovered "
				+ b.state().recovered() + ", publish failures " + a.state().publishFailures());
	}

}
