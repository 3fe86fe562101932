package io.pubsubclub.cluster.transport;

import java.util.concurrent.ThreadFactory;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Daemon threads for the cluster's pools. They are often started from a thread of the
 * cluster server's Tomcat, whose context class loader they would otherwise keep (and
 * Tomcat would report them as leaked when it stops).
 *
 * @author PubSubClub
 */
final class ClusterThreads {

	private ClusterThreads() {
	}

	static ThreadFactory named(String prefix) {
		CustomizableThreadFactory threads = new CustomizableThreadFactory(prefix) {

			@Override
			public Thread newThread(Runnable task) {
				Thread thread = super.newThread(task);
				thread.setContextClassLoader(ClusterThreads.class.getClassLoader());
				return thread;
			}

		};
		threads.setDaemon(true);
		return threads;
	}

	static Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.setContextClassLoader(ClusterThreads.class.getClassLoader());
		thread.start();
		return thread;
	}

}
