package io.pubsubclub.cluster.transport;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.pubsubclub.cluster.ClosedPort;
import io.pubsubclub.cluster.ClusterLinks;
import io.pubsubclub.cluster.ClusterState;
import io.pubsubclub.cluster.LinkChannel;
import io.pubsubclub.cluster.PeerAddress;
import io.pubsubclub.cluster.PeerLink;
import io.pubsubclub.cluster.TestSubscribers;

import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A dialled link whose handshake completes while the dialer closes it: the link's thread
 * holds the link and tells the dialer it is ready, while the dialer's caller closes the
 * session, which, as in Tomcat's client, reports the close inline. Latches force the two
 * threads into the interleaving that used to deadlock.
 */
class DialerLockingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private ThreadPoolTaskScheduler scheduler;

	private ClusterLinks cluster;

	private ClusterClient client;

	private final ClosedPort closedPort = new ClosedPort();

	@BeforeEach
	void setUp() {
		this.scheduler = new ThreadPoolTaskScheduler();
		this.scheduler.setPoolSize(2);
		this.scheduler.initialize();
		this.cluster = new ClusterLinks(1, Map.of(ClusterState.Role.PRODUCER, ClusterState.Mode.CLIENT),
				new TestSubscribers(), this.scheduler, Duration.ofSeconds(30));
		LinkSettings settings = new LinkSettings(65536, 1 << 20, Duration.ofSeconds(5), Duration.ofHours(1),
				Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30));
		this.client = new ClusterClient(this.cluster, List.of(ClusterState.Role.PRODUCER), settings, this.scheduler,
				List.of());
	}

	@AfterEach
	void tearDown() throws Exception {
		// on a thread of its own: with the deadlock, stop() would wait for good
		start("tear-down", this.client::stop).join(WAIT.toMillis());
		this.scheduler.shutdown();
		this.closedPort.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "remove", "reconnect", "stop" })
	void handshakeCompletingWhileTheClientClosesTheLinkDoesNotDeadlock(String action) throws Exception {
		// a port held and never listened on: the dial is refused and waits out the
		// back-off; the test opens the link itself
		PeerAddress server = this.closedPort.address();
		this.client.start();
		this.client.add(server);
		Dialer dialer = this.client.dialersOf(server).get(0);
		PeerLink link = this.cluster.dialled(dialer);
		CountDownLatch linkLocked = new CountDownLatch(1);
		CountDownLatch closing = new CountDownLatch(1);
		WebSocketSession session = mock(WebSocketSession.class);
		when(session.isOpen()).thenReturn(true);
		doAnswer((invocation) -> {
			closing.countDown();
			CloseStatus status = invocation.getArgument(0);
			// Tomcat's client runs onClose inside close(): LinkHandler.afterConnectionClosed
			link.closed(status.getCode(), status.getReason());
			dialer.closed(session, link, status);
			return null;
		}).when(session).close(any(CloseStatus.class));
		link.opened(new LinkChannel() {

			@Override
			public boolean send(String frame) {
				// the 102, sent with the link held: wait until the dialer is closing
				linkLocked.countDown();
				await(closing);
				return true;
			}

			@Override
			public void close(int code, String reason) {
				try {
					session.close(new CloseStatus(code, reason));
				}
				catch (java.io.IOException ex) {
					throw new IllegalStateException(ex);
				}
			}

		});
		dialer.opened(session, link);
		Thread handshake = start("link-io", () -> link.received("[101,[1,1]]"));
		assertThat(linkLocked.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
		Runnable close = switch (action) {
			case "remove" -> () -> this.client.remove(server);
			case "reconnect" -> () -> this.client.reconnect(server);
			default -> this.client::stop;
		};
		Thread closer = start("closer", close);
		handshake.join(WAIT.toMillis());
		closer.join(WAIT.toMillis());
		org.awaitility.Awaitility.await()
			.atMost(WAIT)
			.until(() -> link.status() == ClusterState.Status.CLOSED
					|| ManagementFactory.getThreadMXBean().findDeadlockedThreads() != null);
		long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
		assertThat(deadlocked).as("deadlocked threads").isNull();
		assertThat(handshake.isAlive()).as("link thread finished").isFalse();
		assertThat(closer.isAlive()).as("closing thread finished").isFalse();
		assertThat(link.status()).isEqualTo(ClusterState.Status.CLOSED);
	}

	private static Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
