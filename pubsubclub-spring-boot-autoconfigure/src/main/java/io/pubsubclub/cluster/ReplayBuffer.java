package io.pubsubclub.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A producer's most recent forwarded publishes, bounded by count, size and age, for
 * consumers that resume a dropped link (PSC 1.2). Not thread-safe: guarded by the
 * {@link Sequencer}.
 * <p>
 * For each topic it remembers the highest sequence number it let go, so that a
 * consumer on a quiet topic is not told of a gap because a busy topic pushed old
 * events out. That memory is bounded too: topics forgotten fold into one watermark,
 * which can only make a gap report err on the side of a false alarm.
 *
 * @author PubSubClub
 */
final class ReplayBuffer {

	private final int maxEvents;

	private final long maxBytes;

	private final long maxAgeNanos;

	private final int maxEvictedTopics;

	private final ArrayDeque<SequencedEvent> events = new ArrayDeque<>();

	private long bytes;

	// topic -> highest sequence number evicted; ordered by that number, oldest first,
	// since events are evicted in sequence order
	private final LinkedHashMap<String, Long> evicted = new LinkedHashMap<>(16, 0.75f, false);

	private long forgottenUpTo;

	ReplayBuffer(int maxEvents, long maxBytes, long maxAgeNanos) {
		this.maxEvents = maxEvents;
		this.maxBytes = maxBytes;
		this.maxAgeNanos = maxAgeNanos;
		this.maxEvictedTopics = Math.max(1024, Math.min(maxEvents, 65536));
	}

	boolean enabled() {
		return this.maxEvents > 0;
	}

	void add(SequencedEvent event) {
		if (!enabled()) {
			evict(event);
			return;
		}
		this.events.addLast(event);
		this.bytes += event.size();
		trim(event.nanos());
	}

	/**
	 * Let go of events past their age.
	 * @param now the current {@link System#nanoTime()}
	 */
	void trim(long now) {
		SequencedEvent first;
		while ((first = this.events.peekFirst()) != null && (this.events.size() > this.maxEvents
				|| this.bytes > this.maxBytes || now - first.nanos() > this.maxAgeNanos)) {
			this.events.pollFirst();
			this.bytes -= first.size();
			evict(first);
		}
	}

	private void evict(SequencedEvent event) {
		this.evicted.remove(event.topic());
		this.evicted.put(event.topic(), event.seq());
		if (this.evicted.size() > this.maxEvictedTopics) {
			Iterator<Map.Entry<String, Long>> eldest = this.evicted.entrySet().iterator();
			this.forgottenUpTo = Math.max(this.forgottenUpTo, eldest.next().getValue());
			eldest.remove();
		}
	}

	/**
	 * Return the events after {@code lastSeq} on the given topics, and whether any such
	 * event was let go.
	 * @param lastSeq the last sequence number the consumer delivered
	 * @param topics the topics it resumes
	 * @param now the current {@link System#nanoTime()}
	 * @return the replay
	 */
	Replay replay(long lastSeq, Collection<String> topics, long now) {
		trim(now);
		long lostUpTo = (this.forgottenUpTo > lastSeq) ? this.forgottenUpTo : 0;
		for (String topic : topics) {
			Long evictedSeq = this.evicted.get(topic);
			if (evictedSeq != null && evictedSeq > lastSeq && evictedSeq > lostUpTo) {
				lostUpTo = evictedSeq;
			}
		}
		Set<String> wanted = Set.copyOf(topics);
		List<SequencedEvent> replay = new ArrayList<>();
		Iterator<SequencedEvent> newestFirst = this.events.descendingIterator();
		while (newestFirst.hasNext()) {
			SequencedEvent event = newestFirst.next();
			if (event.seq() <= lastSeq) {
				break;
			}
			if (wanted.contains(event.topic())) {
				replay.add(event);
			}
		}
		java.util.Collections.reverse(replay);
		return new Replay(replay, lostUpTo == 0, lostUpTo + 1);
	}

	int size() {
		return this.events.size();
	}

	long bytes() {
		return this.bytes;
	}

	/**
	 * What a 203 is answered with.
	 *
	 * @param events the events to send again, in order
	 * @param complete whether nothing after the consumer's last sequence number was lost
	 * @param firstSeqStillHeld the first sequence number held after a gap
	 */
	record Replay(List<SequencedEvent> events, boolean complete, long firstSeqStillHeld) {

		static Replay otherEpoch() {
			return new Replay(List.of(), false, 0);
		}

	}

}
