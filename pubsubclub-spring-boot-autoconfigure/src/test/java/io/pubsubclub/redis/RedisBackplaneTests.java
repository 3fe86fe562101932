package io.pubsubclub.redis;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pubsubclub.cluster.TestSubscribers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Redis backplane in pubsub mode against a real redis-server: delivery across three
 * nodes, interest-based subscriptions, the session lists, bad messages.
 */
class RedisBackplaneTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String TOPIC = "http://example.com/redis#t";

	@RegisterExtension
	final RedisTestBed redis = new RedisTestBed();

	private RedisServers.Server server;

	@BeforeEach
	void startRedis() throws Exception {
		this.server = this.redis.servers.start();
	}

	@Test
	void publishOnOneNodeReachesSubscribersOnTheOthersOnceAndInOrder() throws Exception {
		RedisTestNodes.Node a = this.redis.nodes.start(this.server.port());
		RedisTestNodes.Node b = this.redis.nodes.start(this.server.port());
		RedisTestNodes.Node c = this.redis.nodes.start(this.server.port());
		b.subscribers().subscribe(TOPIC);
		c.subscribers().subscribe(TOPIC);
		String channel = a.backplane().settings().channel(TOPIC);
		await().atMost(WAIT).until(() -> numsub(channel) == 2 && live(b) && live(c));
		for (int i = 0; i < 3; i++) {
			a.subscribers().publish(TOPIC, "{\"n\":" + i + "}");
		}
		List<String> expected = List.of(TOPIC + " {\"n\":0}", TOPIC + " {\"n\":1}", TOPIC + " {\"n\":2}");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() >= 3 && c.subscribers().delivered().size() >= 3);
		assertThat(b.subscribers().delivered()).containsExactlyElementsOf(expected);
		assertThat(c.subscribers().delivered()).containsExactlyElementsOf(expected);
		// a subscriber on the publishing node is served locally, never again from Redis
		a.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> numsub(channel) == 3 && live(a));
		b.subscribers().publish(TOPIC, "\"from b\"");
		await().atMost(WAIT).until(() -> a.subscribers().delivered().size() == 1 && c.subscribers().delivered().size() == 4);
		assertThat(a.subscribers().delivered()).containsExactly(TOPIC + " \"from b\"");
		await().atMost(WAIT).until(() -> b.state().published() == 1);
		await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> b.subscribers().delivered().size() == 3);
		assertThat(b.state().received()).isEqualTo(3);
		assertThat(a.state().published()).isEqualTo(3);
		assertThat(a.gaps()).isEmpty();
	}

	@Test
	void channelIsUnsubscribedWhenTheLastLocalSubscriberLeaves() throws Exception {
		RedisTestNodes.Node a = this.redis.nodes.start(this.server.port());
		RedisTestNodes.Node b = this.redis.nodes.start(this.server.port());
		String other = TOPIC + "-other";
		b.subscribers().subscribe(TOPIC);
		b.subscribers().subscribe(other);
		RedisBackplaneSettings settings = b.backplane().settings();
		await().atMost(WAIT).until(() -> channels().containsAll(Set.of(settings.channel(TOPIC), settings.channel(other))));
		b.subscribers().unsubscribe(TOPIC);
		await().atMost(WAIT).until(() -> channels().equals(Set.of(settings.channel(other))));
		assertThat(b.state().channels()).isOne();
		a.subscribers().publish(TOPIC, "1");
		a.subscribers().publish(other, "2");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 1);
		assertThat(b.subscribers().delivered()).containsExactly(other + " 2");
	}

	@Test
	void sessionListsTravelWithTheEventAndLeaveOutThePublishersOwnSessions() throws Exception {
		RedisTestNodes.Node a = this.redis.nodes.start(this.server.port());
		RedisTestNodes.Node b = this.redis.nodes.start(this.server.port());
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b));
		a.subscribers().publishNaming(TOPIC, "1", Set.of(TestSubscribers.LOCAL_SESSION, "remote-1"),
				Set.of("remote-2"));
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 1);
		assertThat(b.subscribers().delivered()).containsExactly(TOPIC + " 1 exclude=[remote-1] eligible=[remote-2]");
	}

	@Test
	void aMessageThatIsNotAPublishIsCountedAndDropped() throws Exception {
		RedisTestNodes.Node a = this.redis.nodes.start(this.server.port());
		RedisTestNodes.Node b = this.redis.nodes.start(this.server.port());
		b.subscribers().subscribe(TOPIC);
		await().atMost(WAIT).until(() -> live(b));
		String channel = b.backplane().settings().channel(TOPIC);
		this.server.cli("PUBLISH", channel, "garbage");
		this.server.cli("PUBLISH", channel, "-\n1 1 1 1\n{\"exclude\":[1]}\n2");
		a.subscribers().publish(TOPIC, "3");
		await().atMost(WAIT).until(() -> b.subscribers().delivered().size() == 1);
		assertThat(b.subscribers().delivered()).containsExactly(TOPIC + " 3");
		assertThat(b.state().malformed()).isEqualTo(2);
	}

	private static boolean live(RedisTestNodes.Node node) {
		RedisBackplaneState state = node.state();
		return state.connected() && state.channels() == node.subscribers().topics().size() && state.recovering() == 0;
	}

	private long numsub(String channel) throws Exception {
		String[] lines = this.server.cli("PUBSUB", "NUMSUB", channel).trim().split("\n");
		return Long.parseLong(lines[lines.length - 1].trim());
	}

	private Set<String> channels() throws Exception {
		String output = this.server.cli("PUBSUB", "CHANNELS").trim();
		return output.isEmpty() ? Set.of() : Set.of(output.split("\n"));
	}

}
