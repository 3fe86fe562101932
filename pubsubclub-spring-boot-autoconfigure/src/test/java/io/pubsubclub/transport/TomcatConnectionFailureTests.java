package io.pubsubclub.transport;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * What a {@link TomcatConnection} does when its socket fails in ways a real socket rarely
 * does on demand: the socket wrapper is a mock.
 */
class TomcatConnectionFailureTests {

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);

	@AfterEach
	void stopTimer() {
		this.timer.shutdownNow();
	}

	@Test
	void errorInTheReadLoopStillClosesTheSession() throws Exception {
		// issue 23, defect 4: only IOException and RuntimeException ended the session
		SocketWrapperBase<?> socket = mock(SocketWrapperBase.class);
		given(socket.getLock()).willReturn(new ReentrantLock());
		given(socket.read(anyBoolean(), any(byte[].class), anyInt(), anyInt()))
			.willThrow(new OutOfMemoryError("injected"));
		AtomicReference<CloseStatus> closed = new AtomicReference<>();
		TomcatConnection connection = connection(socket, closed);
		assertThatThrownBy(() -> connection.upgradeDispatch(SocketEvent.OPEN_READ))
			.isInstanceOf(OutOfMemoryError.class);
		assertThat(closed.get()).isEqualTo(CloseStatus.NO_CLOSE_FRAME);
		assertThat(connection.isOpen()).isFalse();
	}

	@Test
	void errorThatIsNotFatalToTheJvmEndsTheConnectionQuietly() throws Exception {
		SocketWrapperBase<?> socket = mock(SocketWrapperBase.class);
		given(socket.getLock()).willReturn(new ReentrantLock());
		given(socket.read(anyBoolean(), any(byte[].class), anyInt(), anyInt()))
			.willThrow(new AssertionError("injected"));
		AtomicReference<CloseStatus> closed = new AtomicReference<>();
		TomcatConnection connection = connection(socket, closed);
		assertThat(connection.upgradeDispatch(SocketEvent.OPEN_READ))
			.isEqualTo(org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState.CLOSED);
		assertThat(closed.get()).isEqualTo(CloseStatus.NO_CLOSE_FRAME);
	}

	@Test
	void errorInOneConnectionsWriteLeavesTheFlusherWritingTheOthers() throws Exception {
		// the JVM-wide flusher caught only RuntimeException: one Error ended it for good
		SocketWrapperBase<?> failing = mock(SocketWrapperBase.class);
		given(failing.getLock()).willReturn(new ReentrantLock());
		SocketWrapperBase<?> healthy = mock(SocketWrapperBase.class);
		given(healthy.getLock()).willReturn(new ReentrantLock());
		given(healthy.canWrite()).willReturn(true);
		TomcatConnection first = connection(failing, new AtomicReference<>());
		TomcatConnection second = connection(healthy, new AtomicReference<>());
		given(failing.hasDataToWrite()).willThrow(new StackOverflowError("injected"));
		byte[] frame = io.pubsubclub.support.TextFrame.encode((byte) 0x81, new byte[] { '[', ']' });
		try (WriteBatch batch = WriteBatch.openDeferred()) {
			assertThat(first.send(frame)).isTrue();
			assertThat(second.send(frame)).isTrue();
		}
		org.mockito.Mockito.verify(healthy, org.mockito.Mockito.timeout(10_000)).write(false, frame, 0, frame.length);
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !first.isOpen());
	}

	private TomcatConnection connection(SocketWrapperBase<?> socket, AtomicReference<CloseStatus> closed) {
		TransportSettings settings = new TransportSettings(64 * 1024, 1024 * 1024, Duration.ofSeconds(5),
				Duration.ofSeconds(3), this.timer);
		ConnectionSession session = new ConnectionSession(URI.create("ws://127.0.0.1/wamp"), new HttpHeaders(),
				new HashMap<>(), null, "wamp");
		TomcatConnection connection = new TomcatConnection();
		connection.setUp(session, new AbstractWebSocketHandler() {

			@Override
			public void afterConnectionClosed(WebSocketSession webSocket, CloseStatus status) {
				closed.set(status);
			}

		}, settings);
		connection.setSocketWrapper(socket);
		connection.init(null);
		return connection;
	}

}
