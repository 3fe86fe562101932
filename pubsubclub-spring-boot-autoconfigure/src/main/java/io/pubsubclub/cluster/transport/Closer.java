package io.pubsubclub.cluster.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * Where cluster sessions are closed. A close may block until the far side takes what is
 * queued, up to the send-time limit, and Tomcat runs the close callbacks inline: so a
 * close never runs on a timer thread, a container I/O thread or with a lock held, but on
 * one of a few threads of its own. At shutdown every session is closed at once, and the
 * wait for them all shares one deadline.
 *
 * @author PubSubClub
 */
final class Closer implements Executor {

	private static final Log logger = LogFactory.getLog(Closer.class);

	private static final int THREADS = 4;

	private final ThreadPoolExecutor executor;

	Closer(String threadNamePrefix) {
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				ClusterThreads.named(threadNamePrefix));
		this.executor.allowCoreThreadTimeOut(true);
	}

	@Override
	public void execute(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// shut down: a thread of its own, never the caller's
			ClusterThreads.start("pubsubclub-close-late", task);
		}
	}

	/**
	 * Close a session off the caller's thread.
	 */
	void close(WebSocketSession session, CloseStatus status) {
		execute(() -> closeNow(session, status));
	}

	/**
	 * Close every session at once and wait for them together, at most the given time.
	 * @return the number of closes still running at the deadline
	 */
	int closeAll(Collection<WebSocketSession> sessions, CloseStatus status, Duration deadline) {
		List<CompletableFuture<Void>> closes = new ArrayList<>(sessions.size());
		for (WebSocketSession session : sessions) {
			// one thread each: four at a time would put the last ones past the deadline
			CompletableFuture<Void> close = new CompletableFuture<>();
			ClusterThreads.start("pubsubclub-close-" + session.getId(), () -> {
				try {
					closeNow(session, status);
				}
				finally {
					close.complete(null);
				}
			});
			closes.add(close);
		}
		try {
			CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
				.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// the closes left run on; the container's own shutdown ends them
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.debug("Close of cluster sessions failed", ex);
		}
		return (int) closes.stream().filter((close) -> !close.isDone()).count();
	}

	static void closeNow(WebSocketSession session, CloseStatus status) {
		try {
			session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Close of cluster session " + session.getId() + " failed", ex);
		}
	}

	void shutdown() {
		this.executor.shutdown();
	}

}
