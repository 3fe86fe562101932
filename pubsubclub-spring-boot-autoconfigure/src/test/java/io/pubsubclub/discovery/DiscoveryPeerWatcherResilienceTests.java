package io.pubsubclub.discovery;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.discovery.event.HeartbeatEvent;

import static io.pubsubclub.discovery.MutableDiscoveryClient.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link DiscoveryPeerWatcher} when things go wrong: an {@link Error} from the registry,
 * a registrar that cannot remove a peer, a stop while a refresh waits or runs.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryPeerWatcherResilienceTests {

	private static final Duration NEVER = Duration.ofHours(1);

	private final MutableDiscoveryClient client = new MutableDiscoveryClient();

	private final RecordingPeerRegistrar registrar = new RecordingPeerRegistrar();

	private DiscoveryPeerWatcher watcher;

	@AfterEach
	void stop() {
		this.client.onRead((serviceId) -> {
		});
		if (this.watcher != null) {
			this.watcher.stop();
		}
	}

	@Test
	void anErrorFromTheRegistryIsLoggedAndThePollGoesOn(CapturedOutput output) {
		this.client.outage(new NoClassDefFoundError("com/example/Missing"));
		start(Duration.ofMillis(100), Duration.ZERO);
		await().until(() -> this.watcher.getFailureCount() >= 1);
		this.client.outage(null);
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registrar.calls().equals(List.of("add 127.0.0.1:19001")));
		assertThat(output.getOut()).contains("Cannot read the instances of service 'pubsubclub'")
			.contains("com/example/Missing");
	}

	@Test
	void aPeerTheRegistrarCouldNotRemoveStaysTrackedAndIsRemovedOnTheNextRefresh() {
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		start(NEVER, Duration.ZERO);
		await().until(() -> this.registrar.peers().size() == 1);
		this.registrar.failRemoveWith(new IllegalStateException("connector busy"));
		this.client.set("pubsubclub");
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001", "failed remove 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).as("still tracked").hasSize(1);
		this.registrar.failRemoveWith(null);
		refreshAndWait();
		assertThat(this.registrar.calls()).containsExactly("add 127.0.0.1:19001", "failed remove 127.0.0.1:19001",
				"remove 127.0.0.1:19001");
		assertThat(this.watcher.getPeers()).isEmpty();
	}

	@Test
	void heartbeatsRefreshAgainAfterAStopWhileARefreshWasQueued() throws Exception {
		start(NEVER, Duration.ZERO);
		await().until(() -> this.watcher.getRefreshCount() == 1);
		CountDownLatch reading = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		this.client.onRead((serviceId) -> {
			reading.countDown();
			try {
				release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		this.watcher.refresh();
		assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
		// queued behind the one that is reading
		this.watcher.refresh();
		this.watcher.stop();
		this.client.onRead((serviceId) -> {
		});
		release.countDown();
		long before = this.watcher.getRefreshCount();
		this.watcher.start();
		// the first read after a start
		await().until(() -> this.watcher.getRefreshCount() > before);
		this.client.set("pubsubclub", node("a", "127.0.0.1", 19001, 1));
		this.watcher.onApplicationEvent(new HeartbeatEvent(this, 99L));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.registrar.calls().contains("add 127.0.0.1:19001"));
	}

	@Test
	void aStopDuringARefreshLogsNoWarning(CapturedOutput output) throws Exception {
		start(NEVER, Duration.ZERO);
		await().until(() -> this.watcher.getRefreshCount() == 1);
		CountDownLatch reading = new CountDownLatch(1);
		this.client.onRead((serviceId) -> {
			reading.countDown();
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				// an HTTP client interrupted mid-request fails the read
				Thread.currentThread().interrupt();
				throw new IllegalStateException("I/O error: interrupted", ex);
			}
		});
		this.watcher.refresh();
		assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
		this.watcher.stop();
		assertThat(output.getOut()).doesNotContain("WARN").doesNotContain("ERROR");
		assertThat(this.watcher.getFailureCount()).isZero();
	}

	private void start(Duration refreshInterval, Duration debounce) {
		this.watcher = new DiscoveryPeerWatcher(this.client, "pubsubclub", this.registrar, () -> 7L, refreshInterval,
				debounce);
		this.watcher.start();
	}

	private void refreshAndWait() {
		await().until(() -> this.watcher.getRefreshCount() >= 1);
		long before = this.watcher.getRefreshCount();
		this.watcher.refresh();
		await().until(() -> this.watcher.getRefreshCount() > before);
	}

}
