package io.pubsubclub.discovery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;
import org.springframework.cloud.client.discovery.event.InstanceRegisteredEvent;
import org.springframework.cloud.client.discovery.event.ParentHeartbeatEvent;

import static io.pubsubclub.discovery.MutableDiscoveryClient.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DiscoveryPeerWatcher} against a discovery client whose list the test
 * changes.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryPeerWatcherTests {

	private static final long SELF = 7;

	private static final Duration NEVER = Duration.ofHours(1);

	private static final Duration DEBOUNCE = Duration.ofSeconds(3);

	private final MutableDiscoveryClient client = new MutableDiscoveryClient();

	private final RecordingPeerRegistrar registrar = new RecordingPeerRegistrar();

	private DiscoveryPeerWatcher watcher;

	@AfterEach
	void stop() {
		if (this.watcher != null) {
			this.watcher.stop();
		}
	}

	@Test
	void addsEveryAnnouncedServerAtStart() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1), node("b", "127.0.0.2", 19002, 2));
		start(NEVER, Duration.ZERO);
		await().until(() -> this.registrar.peers().size() == 2);
		assertThat(this.registrar.peers()).containsExactlyInAnyOrder(new DiscoveredPeer("127.0.0.1", 19001, 1L),
				new DiscoveredPeer("127.0.0.2", 19002, 2L));
		assertThat(this.watcher.getPeers()).isEqualTo(this.registrar.peers());
	}

	@Test
	void diffsTheListAddingNewServersAndRemovingThoseThatLeft() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1), node("b", "127.0.0.1", 19002, 2));
		start(NEVER, Duration.ZERO);
		await().until(() -> this.registrar.peers().size() == 2);
		this.client.set("pubsubclub", node("b", "127.0.0.1", 19002, 2), node("c", "127.0.0.1", 19003, 3));
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001", "add 127.0.0.1:19002",
				"add 127.0.0.1:19003", "remove 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).extracting(DiscoveredPeer::port).containsExactlyInAnyOrder(19002, 19003);
	}

	@Test
	void pollsTheListAtTheRefreshInterval() {
		start(Duration.ofMillis(100), Duration.ZERO);
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		await().until(() -> this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
		this.client.set("pubsubclub");
		await().until(() -> this.registrar.calls().contains("remove 127.0.0.1:19001"));
	}

	@Test
	void removesAServerOnlyOnceItStayedAwayForTheDebounceTime() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		// long enough that a loaded machine checks before it has passed
		start(NEVER, DEBOUNCE);
		await().until(() -> this.registrar.peers().size() == 1);
		this.client.set("pubsubclub");
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).hasSize(1);
		await().until(() -> this.registrar.calls().contains("remove 127.0.0.1:19001"));
		assertThat(this.watcher.getPeers()).isEmpty();
	}

	@Test
	void serverBackWithinTheDebounceTimeKeepsItsLink() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		start(NEVER, DEBOUNCE);
		await().until(() -> this.registrar.peers().size() == 1);
		this.client.set("pubsubclub");
		refreshAndWait();
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		refreshAndWait();
		// the cancelled removal would have fired one debounce time after the first refresh
		await().during(DEBOUNCE.plusSeconds(1))
			.atMost(DEBOUNCE.plusSeconds(10))
			.until(() -> this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
		assertThat(this.watcher.getPeers()).hasSize(1);
	}

	@Test
	void skipsItsOwnInstanceByNodeId() {
		this.client.set("pubsubclub", node("self", "127.0.0.1", 19000, SELF), node("a", "127.0.0.1", 19001, 1));
		start(NEVER, Duration.ZERO);
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001");
		assertThat(this.watcher.getSkippedInstanceCount()).isZero();
	}

	@Test
	void addsOtherNodesThatAnnounceItsNodeId(CapturedOutput output) {
		// another host, and another port on this host: other nodes configured with our id
		this.client.set("pubsubclub", node("self", "127.0.0.1", 19000, SELF), node("other-host", "192.0.2.1", 19000, SELF),
				node("other-port", "127.0.0.1", 19002, SELF));
		this.watcher = new DiscoveryPeerWatcher(this.client, "pubsubclub", this.registrar, localNode(SELF, 19000),
				NEVER, Duration.ZERO);
		this.watcher.start();
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactlyInAnyOrder("add 192.0.2.1:19000", "add 127.0.0.1:19002");
		assertThat(output).contains("192.0.2.1:19000").contains("announces this node's id 7");
	}

	@Test
	void addsAServerThatAnnouncesNoNodeId() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 8080, Map.of(DiscoveryMetadata.PORT, "19001")));
		start(NEVER, Duration.ZERO);
		await().until(() -> this.registrar.peers().equals(Set.of(new DiscoveredPeer("127.0.0.1", 19001, null))));
	}

	@Test
	void skipsInstancesWithoutClusterMetadataLoggingEachOnce(CapturedOutput output) {
		this.client.set("pubsubclub", node("plain", "127.0.0.1", 8080, Map.of("zone", "a")),
				node("bad", "127.0.0.1", 8081, Map.of(DiscoveryMetadata.PORT, "not-a-port")),
				node("a", "127.0.0.1", 19001, 1));
		start(NEVER, Duration.ZERO);
		refreshAndWait();
		refreshAndWait();
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001");
		assertThat(this.watcher.getSkippedInstanceCount()).isEqualTo(2);
		assertThat(occurrences(output.getOut(), "Skipping instance 'plain'")).isOne();
		assertThat(output.getOut()).contains("no 'pubsubclub-port' in its metadata");
		assertThat(occurrences(output.getOut(), "Skipping instance 'bad'")).isOne();
		assertThat(output.getOut()).contains("'pubsubclub-port' is not a port: 'not-a-port'");
	}

	@Test
	void keepsKnownPeersWhileTheRegistryCannotBeReadAndRecovers(CapturedOutput output) {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		start(NEVER, Duration.ZERO);
		await().until(() -> this.registrar.peers().size() == 1);
		long refreshes = this.watcher.getRefreshCount();
		this.client.outage(new IllegalStateException("registry down"));
		this.watcher.refresh();
		await().until(() -> this.watcher.getFailureCount() == 1);
		this.watcher.refresh();
		await().until(() -> this.watcher.getFailureCount() == 2);
		assertThat(this.watcher.getRefreshCount()).isEqualTo(refreshes);
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).hasSize(1);
		assertThat(occurrences(output.getOut(), "Cannot read the instances of service 'pubsubclub'")).isOne();
		assertThat(output.getOut()).contains("registry down");

		this.client.set("pubsubclub", node("b", "127.0.0.1", 19002, 2));
		this.client.outage(null);
		refreshAndWait();
		assertThat(this.watcher.getFailureCount()).isEqualTo(2);
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001", "add 127.0.0.1:19002",
				"remove 127.0.0.1:19001");
		assertThat(output.getOut()).contains("readable again after 2 failed refresh(es)");
	}

	@Test
	void refreshesOnlyWhenTheHeartbeatValueChanges() {
		start(NEVER, Duration.ZERO);
		await().until(() -> this.watcher.getRefreshCount() == 1);
		this.watcher.onApplicationEvent(new HeartbeatEvent(this, 41L));
		await().until(() -> this.watcher.getRefreshCount() == 2);
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		this.watcher.onApplicationEvent(new HeartbeatEvent(this, 41L));
		this.watcher.onApplicationEvent(new ParentHeartbeatEvent(this, 41L));
		// a refresh they queued would run within this window, and it would add the server
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.watcher.getRefreshCount() == 2 && this.registrar.calls().isEmpty());
		this.watcher.onApplicationEvent(new HeartbeatEvent(this, 42L));
		await().until(() -> this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.watcher.getRefreshCount() == 3);
	}

	@Test
	void refreshesWhenAnInstanceRegisters() {
		start(NEVER, Duration.ZERO);
		await().until(() -> this.watcher.getRefreshCount() == 1);
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		this.watcher.onApplicationEvent(new InstanceRegisteredEvent<>(this, "registration"));
		await().until(() -> this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
	}

	@Test
	void triesAgainToAddAServerTheRegistrarRefused() {
		this.registrar.failWith(new IllegalStateException("connector not ready"));
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		start(NEVER, Duration.ZERO);
		refreshAndWait();
		assertThat(this.watcher.getPeers()).isEmpty();
		this.registrar.failWith(null);
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).hasSize(1);
	}

	@Test
	void usesItsOwnNamedThread() {
		Thread[] thread = new Thread[1];
		PeerRegistrar capturing = new PeerRegistrar() {

			@Override
			public void add(DiscoveredPeer peer) {
				thread[0] = Thread.currentThread();
			}

			@Override
			public void remove(DiscoveredPeer peer) {
			}

		};
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		this.watcher = new DiscoveryPeerWatcher(this.client, "pubsubclub", capturing, () -> SELF, NEVER,
				Duration.ZERO);
		this.watcher.start();
		await().until(() -> thread[0] != null);
		assertThat(thread[0].getName()).startsWith("pubsubclub-discovery-");
	}

	@Test
	void stopsItsThreadAndIgnoresEventsOnceStopped() {
		AtomicReference<Thread> thread = new AtomicReference<>();
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		this.watcher = new DiscoveryPeerWatcher(this.client, "pubsubclub", new PeerRegistrar() {

			@Override
			public void add(DiscoveredPeer peer) {
				thread.set(Thread.currentThread());
				DiscoveryPeerWatcherTests.this.registrar.add(peer);
			}

			@Override
			public void remove(DiscoveredPeer peer) {
				DiscoveryPeerWatcherTests.this.registrar.remove(peer);
			}

		}, () -> SELF, NEVER, Duration.ZERO);
		this.watcher.start();
		await().until(() -> thread.get() != null && this.watcher.getRefreshCount() == 1);
		this.watcher.stop();
		assertThat(this.watcher.isRunning()).isFalse();
		// the thread itself ends, not only the flag
		await().until(() -> !thread.get().isAlive());
		this.client.set("pubsubclub", node("b", "127.0.0.1", 19002, 2));
		this.watcher.onApplicationEvent(new HeartbeatEvent(this, 1L));
		this.watcher.refresh();
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(10))
			.until(() -> this.watcher.getRefreshCount() == 1
					&& this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
	}

	private void start(Duration refreshInterval, Duration debounce) {
		this.watcher = new DiscoveryPeerWatcher(this.client, "pubsubclub", this.registrar, localNode(SELF, 19000),
				refreshInterval, debounce);
		this.watcher.start();
	}

	private static io.pubsubclub.discovery.LocalNode localNode(long id, int port) {
		return new io.pubsubclub.discovery.LocalNode() {

			@Override
			public long nodeId() {
				return id;
			}

			@Override
			public Integer clusterPort() {
				return port;
			}

		};
	}

	private void refreshAndWait() {
		await().until(() -> this.watcher.getRefreshCount() >= 1);
		long before = this.watcher.getRefreshCount();
		this.watcher.refresh();
		await().until(() -> this.watcher.getRefreshCount() > before);
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
			count++;
		}
		return count;
	}

}
