package io.pubsubclub.transport;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one timer thread of every {@link ClientConnection} in the JVM
 * ({@code pubsubclub-client-watch}): it checks each connection's send-time limit and
 * closing handshake, and only closes sockets, so it never waits. It is the transport's
 * own, not the application's scheduler: a connection whose peer stopped reading is cut
 * off in time even while every thread of the application's scheduler is busy.
 *
 * @author PubSubClub
 */
final class ClientWatch {

	static final ScheduledThreadPoolExecutor TIMER = timer();

	private ClientWatch() {
	}

	private static ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "pubsubclub-client-watch");
			thread.setDaemon(true);
			// not the class loader of whichever thread dialled first (a web application's)
			thread.setContextClassLoader(ClientWatch.class.getClassLoader());
			return thread;
		});
		timer.setRemoveOnCancelPolicy(true);
		return timer;
	}

}
