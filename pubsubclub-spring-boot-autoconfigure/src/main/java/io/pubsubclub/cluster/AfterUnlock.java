package io.pubsubclub.cluster;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link PeerLink} runs once its lock is released: the calls out of the link
 * (closing its session, telling the dialled server the link is ready, reporting a
 * resume's end) that code running under the lock collected. The collected calls are
 * guarded by the link's monitor; they run in the order collected, with no lock held, on
 * the thread that released the lock, so that the link never calls out under its own
 * lock (the lock order in {@code package-info}).
 *
 * @author PubSubClub
 */
final class AfterUnlock {

	private final Object monitor;

	// guarded by monitor
	private @Nullable Runnable actions;

	AfterUnlock(Object monitor) {
		this.monitor = monitor;
	}

	// with the monitor held
	void add(Runnable action) {
		Runnable before = this.actions;
		this.actions = (before != null) ? () -> {
			before.run();
			action.run();
		} : action;
	}

	/**
	 * Run an action under the monitor, then what it collected once the monitor is
	 * released.
	 */
	void locked(Runnable action) {
		synchronized (this.monitor) {
			action.run();
		}
		run();
	}

	/**
	 * Run what was collected; called with the monitor released.
	 */
	void run() {
		Runnable actions;
		synchronized (this.monitor) {
			actions = this.actions;
			this.actions = null;
		}
		if (actions != null) {
			actions.run();
		}
	}

}
