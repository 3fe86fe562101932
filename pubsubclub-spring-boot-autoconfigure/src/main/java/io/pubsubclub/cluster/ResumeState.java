package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A consumer's memory of each producer it heard from over PSC 1.2: the producer's
 * epoch, the highest sequence number delivered from it, and the topics its last link
 * held, less those that lost their last local subscriber since. Used to resume a
 * dropped link (203) and to drop duplicates.
 * <p>
 * A producer whose link dropped is remembered for the horizon
 * ({@link ResumeSettings#horizon()}) and then forgotten; the topics it held then are
 * reported as a gap of unknown size (see {@link #forgetOld()}), so that a drop longer than
 * the horizon is never silent. Memory: one entry per producer heard from within the
 * horizon, with the topics its last link held.
 *
 * @author PubSubClub
 */
final class ResumeState {

	private final Map<Long, Progress> producers = new ConcurrentHashMap<>();

	private final boolean enabled;

	private final long forgetNanos;

	/**
	 * Create the state.
	 * @param enabled whether to resume
	 * @param forgetAfter how long after its link dropped a producer that did not come back
	 * is forgotten
	 */
	ResumeState(boolean enabled, java.time.Duration forgetAfter) {
		this.enabled = enabled;
		this.forgetNanos = forgetAfter.toNanos();
	}

	/**
	 * Take up a producer on a new link.
	 * @param producerId the producer's node id
	 * @param epoch the epoch its 102 named
	 * @param localTopics the topics subscribed locally now
	 * @return how to start the link
	 */
	Start linked(long producerId, String epoch, Set<String> localTopics) {
		Progress progress = this.producers.get(producerId);
		if (progress == null || !progress.epoch.equals(epoch)) {
			Progress fresh = new Progress(epoch);
			this.producers.put(producerId, fresh);
			List<String> lost = (progress != null) ? List.copyOf(progress.held) : List.of();
			return new Start(fresh, null, lost);
		}
		progress.droppedAt = 0;
		if (!this.enabled) {
			return new Start(progress, null, List.of());
		}
		List<String> topics = new ArrayList<>();
		for (String topic : progress.held) {
			if (localTopics.contains(topic)) {
				topics.add(topic);
			}
		}
		progress.held.clear();
		PscMessage.Resume resume = topics.isEmpty() ? null
				: new PscMessage.Resume(epoch, progress.lastSeq.get(), List.copyOf(topics));
		return new Start(progress, resume, List.of());
	}

	/**
	 * Forget the producers whose link dropped longer ago than the horizon (a peer that
	 * restarted with a new node id, or one gone for good), so that they are not
	 * remembered for ever; a producer that comes back later starts afresh. What each held
	 * is returned, to be reported as a gap: it can no longer be resumed.
	 * @return the producers forgotten that held topics, and those topics
	 */
	Map<Long, List<String>> forgetOld() {
		long now = System.nanoTime();
		Map<Long, List<String>> forgotten = new java.util.HashMap<>();
		this.producers.entrySet().removeIf((entry) -> {
			Progress progress = entry.getValue();
			long dropped = progress.droppedAt;
			if (dropped == 0 || now - dropped <= this.forgetNanos) {
				return false;
			}
			if (this.enabled && !progress.held.isEmpty()) {
				forgotten.put(entry.getKey(), List.copyOf(progress.held));
			}
			return true;
		});
		return forgotten;
	}

	/**
	 * A topic lost its last local subscriber: it is not held continuously any more.
	 * @param topic the topic
	 */
	void unsubscribed(String topic) {
		for (Progress progress : this.producers.values()) {
			progress.held.remove(topic);
		}
	}

	/**
	 * How a new link to a producer starts.
	 *
	 * @param progress the producer's progress, shared with the link
	 * @param resume the 203 to send, if any
	 * @param lostTopics topics held toward an earlier epoch of a producer that restarted
	 */
	record Start(Progress progress, PscMessage.@Nullable Resume resume, List<String> lostTopics) {
	}

	/**
	 * One producer's progress.
	 */
	static final class Progress {

		final String epoch;

		final AtomicLong lastSeq = new AtomicLong();

		final Set<String> held = ConcurrentHashMap.newKeySet();

		// System.nanoTime() when its last link dropped, 0 while linked
		volatile long droppedAt;

		Progress(String epoch) {
			this.epoch = epoch;
		}

		/**
		 * Take a sequence number as delivered, unless it was already.
		 * @return whether the event is new
		 */
		boolean advance(long seq) {
			long last;
			do {
				last = this.lastSeq.get();
				if (seq <= last) {
					return false;
				}
			}
			while (!this.lastSeq.compareAndSet(last, seq));
			return true;
		}

		void dropped(Set<String> topics) {
			this.held.clear();
			this.held.addAll(topics);
			long now = System.nanoTime();
			this.droppedAt = (now != 0) ? now : 1;
		}

	}

}
