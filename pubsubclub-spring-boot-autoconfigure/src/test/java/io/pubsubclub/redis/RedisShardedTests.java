package io.pubsubclub.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sharded mode (SSUBSCRIBE/SPUBLISH) against a Redis Cluster of three masters on
 * loopback, with topics on the slots of every master.
 */
class RedisShardedTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@RegisterExtension
	final RedisTestBed redis = new RedisTestBed();

	@Test
	void topicsOnEveryShardReachTheOtherNodeAndLeaveTheirShardWhenUnsubscribed() throws Exception {
		List<RedisServers.Server> masters = this.redis.servers.startCluster(3);
		String clusterNodes = masters.stream().map((m) -> "127.0.0.1:" + m.port()).collect(Collectors.joining(","));
		String[] properties = { "spring.data.redis.cluster.nodes=" + clusterNodes, "pubsubclub.redis.mode=sharded" };
		RedisTestNodes.Node a = this.redis.nodes.start(masters.get(0).port(), properties);
		RedisTestNodes.Node b = this.redis.nodes.start(masters.get(0).port(), properties);
		RedisBackplaneSettings settings = b.backplane().settings();
		// three topics in the slot range of each master redis-cli gives three masters
		List<String> topics = new ArrayList<>();
		int[] perRange = new int[3];
		for (int i = 0; topics.size() < 9; i++) {
			String topic = "http://example.com/shard#" + i;
			int range = Math.min(SlotHash.getSlot(settings.channel(topic)) / 5462, 2);
			if (perRange[range] < 3) {
				perRange[range]++;
				topics.add(topic);
			}
		}
		topics.forEach(b.subscribers()::subscribe);
		Set<String> channels = topics.stream().map(settings::channel).collect(Collectors.toSet());
		await().atMost(WAIT).until(() -> shardChannels(masters).equals(channels) && RedisRecoveryTests.live(b));
		for (RedisServers.Server master : masters) {
			assertThat(shardChannels(List.of(master))).hasSize(3);
		}
		for (String topic : topics) {
			a.subscribers().publish(topic, "1");
			a.subscribers().publish(topic, "2");
		}
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() >= 18);
		List<String> expected = new ArrayList<>();
		for (String topic : topics) {
			expected.add(topic + " 1");
			expected.add(topic + " 2");
		}
		assertThat(b.subscribers().delivered()).containsExactlyInAnyOrderElementsOf(expected);
		for (String topic : topics) {
			assertThat(b.subscribers().delivered()).containsSubsequence(topic + " 1", topic + " 2");
		}
		b.subscribers().unsubscribe(topics.get(0));
		await().atMost(WAIT).until(() -> !shardChannels(masters).contains(settings.channel(topics.get(0))));
		assertThat(shardChannels(masters)).hasSize(8);
		assertThat(b.gaps()).isEmpty();
	}

	private static Set<String> shardChannels(List<RedisServers.Server> masters) throws Exception {
		Set<String> channels = new HashSet<>();
		for (RedisServers.Server master : masters) {
			String output = master.cli("PUBSUB", "SHARDCHANNELS").trim();
			if (!output.isEmpty()) {
				channels.addAll(List.of(output.split("\n")));
			}
		}
		return channels;
	}

}
