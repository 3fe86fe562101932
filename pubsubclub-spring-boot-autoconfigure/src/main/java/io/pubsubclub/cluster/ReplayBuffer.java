package io.pubsubclub.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A producer's most recent forwarded publishes, bounded by count, size and age, for
 * consumers that resume a dropped link (PSC 1.2). Not thread-safe: guarded by the
 * {@link Sequencer}.
 * <p>
 * Each 301 is kept once, as UTF-8 in a ring of large byte arrays that are allocated once
 * and reused, with its sequence number, place, topic hash and time in primitive rings.
 * So the buffer makes no long-lived object per event: keeping the live path's strings
 * instead made every young collection copy the whole buffer again until it was tenured,
 * which cost more CPU per event than everything else resume does (measured; see the
 * notes). Frames are decoded again only for a replay.
 * <p>
 * For each topic (by hash) it remembers the highest sequence number it let go, so that a
 * consumer on a quiet topic is not told of a gap because a busy topic pushed old events
 * out. That memory is bounded too: topics forgotten fold into one watermark. Both (and a
 * hash shared by two topics) can only make a gap report err on the side of a false alarm.
 *
 * @author PubSubClub
 */
final class ReplayBuffer {

	private static final int MIN_CHUNK = 64 * 1024;

	private static final int MAX_CHUNK = 4 * 1024 * 1024;

	private final int maxEvents;

	private final long maxBytes;

	private final long maxAgeNanos;

	private final int maxEvictedTopics;

	private final int chunkSize;

	private final byte[][] chunks;

	private final long capacity;

	// the entries, oldest at first, in rings that grow up to maxEvents
	private long[] seqs = new long[0];

	private long[] starts = new long[0];

	private int[] lengths = new int[0];

	private int[] topicHashes = new int[0];

	private long[] times = new long[0];

	private int first;

	private int count;

	// where the next frame goes, as an ever-growing offset into the ring of chunks
	private long writePosition;

	private long bytes;

	// topic hash -> highest sequence number evicted; ordered by that number, oldest first,
	// since events are evicted in sequence order
	private final LinkedHashMap<Integer, Long> evicted = new LinkedHashMap<>(16, 0.75f, false);

	private long forgottenUpTo;

	ReplayBuffer(int maxEvents, long maxBytes, long maxAgeNanos) {
		this.maxEvents = maxEvents;
		this.maxBytes = maxBytes;
		this.maxAgeNanos = maxAgeNanos;
		this.maxEvictedTopics = Math.max(1024, Math.min(maxEvents, 65536));
		this.chunkSize = (int) Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, maxBytes / 8));
		int chunkCount = (maxEvents > 0) ? (int) Math.max(1, (maxBytes + this.chunkSize - 1) / this.chunkSize) : 0;
		this.chunks = new byte[chunkCount][];
		this.capacity = (long) chunkCount * this.chunkSize;
	}

	boolean enabled() {
		return this.maxEvents > 0;
	}

	void add(SequencedEvent event) {
		int hash = event.topic().hashCode();
		if (!enabled()) {
			evicted(hash, event.seq());
			return;
		}
		trim(event.nanos());
		byte[] frame = event.frame().getBytes(StandardCharsets.UTF_8);
		int length = frame.length;
		if (length > this.chunkSize || length + SequencedEvent.OVERHEAD > this.maxBytes) {
			// too big to keep: it is as good as let go at once
			evicted(hash, event.seq());
			return;
		}
		long start = this.writePosition;
		if ((start % this.chunkSize) + length > this.chunkSize) {
			// frames do not straddle chunks
			start += this.chunkSize - (start % this.chunkSize);
		}
		while (this.count > 0 && (this.count >= this.maxEvents
				|| start + length - this.starts[this.first] > this.capacity
				|| this.bytes + length + SequencedEvent.OVERHEAD > this.maxBytes)) {
			evictOldest();
		}
		int chunk = (int) ((start / this.chunkSize) % this.chunks.length);
		if (this.chunks[chunk] == null) {
			this.chunks[chunk] = new byte[this.chunkSize];
		}
		System.arraycopy(frame, 0, this.chunks[chunk], (int) (start % this.chunkSize), length);
		if (this.count == this.seqs.length) {
			grow();
		}
		int slot = (this.first + this.count) % this.seqs.length;
		this.seqs[slot] = event.seq();
		this.starts[slot] = start;
		this.lengths[slot] = length;
		this.topicHashes[slot] = hash;
		this.times[slot] = event.nanos();
		this.count++;
		this.bytes += length + SequencedEvent.OVERHEAD;
		this.writePosition = start + length;
	}

	private void grow() {
		int size = (int) Math.min(this.maxEvents, Math.max(1024, 2L * this.seqs.length));
		this.seqs = unwrap(this.seqs, size);
		this.starts = unwrap(this.starts, size);
		this.lengths = unwrap(this.lengths, size);
		this.topicHashes = unwrap(this.topicHashes, size);
		this.times = unwrap(this.times, size);
		this.first = 0;
	}

	private long[] unwrap(long[] ring, int size) {
		long[] grown = new long[size];
		for (int i = 0; i < this.count; i++) {
			grown[i] = ring[(this.first + i) % ring.length];
		}
		return grown;
	}

	private int[] unwrap(int[] ring, int size) {
		int[] grown = new int[size];
		for (int i = 0; i < this.count; i++) {
			grown[i] = ring[(this.first + i) % ring.length];
		}
		return grown;
	}

	/**
	 * Let go of events past their age.
	 * @param now the current {@link System#nanoTime()}
	 */
	void trim(long now) {
		while (this.count > 0 && now - this.times[this.first] > this.maxAgeNanos) {
			evictOldest();
		}
	}

	private void evictOldest() {
		int slot = this.first;
		this.bytes -= this.lengths[slot] + SequencedEvent.OVERHEAD;
		evicted(this.topicHashes[slot], this.seqs[slot]);
		this.first = (this.first + 1) % this.seqs.length;
		this.count--;
	}

	private void evicted(int topicHash, long seq) {
		Integer key = topicHash;
		this.evicted.remove(key);
		this.evicted.put(key, seq);
		if (this.evicted.size() > this.maxEvictedTopics) {
			Iterator<Map.Entry<Integer, Long>> eldest = this.evicted.entrySet().iterator();
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
		// topic hash -> [frame prefix, topic] of each topic resumed
		Map<Integer, List<String[]>> prefixes = new HashMap<>();
		for (String topic : topics) {
			Long evictedSeq = this.evicted.get(topic.hashCode());
			if (evictedSeq != null && evictedSeq > lastSeq && evictedSeq > lostUpTo) {
				lostUpTo = evictedSeq;
			}
			prefixes.computeIfAbsent(topic.hashCode(), (hash) -> new ArrayList<>(1))
				.add(new String[] { "[301," + PscCodec.quote(topic) + ",", topic });
		}
		int from = this.count;
		while (from > 0 && this.seqs[(this.first + from - 1) % this.seqs.length] > lastSeq) {
			from--;
		}
		List<SequencedEvent> replay = new ArrayList<>();
		for (int i = from; i < this.count; i++) {
			int slot = (this.first + i) % this.seqs.length;
			List<String[]> wanted = prefixes.get(this.topicHashes[slot]);
			if (wanted == null) {
				continue;
			}
			long start = this.starts[slot];
			String frame = new String(this.chunks[(int) ((start / this.chunkSize) % this.chunks.length)],
					(int) (start % this.chunkSize), this.lengths[slot], StandardCharsets.UTF_8);
			for (String[] prefix : wanted) {
				if (frame.startsWith(prefix[0])) {
					replay.add(new SequencedEvent(this.seqs[slot], prefix[1], frame, this.times[slot]));
					break;
				}
			}
		}
		return new Replay(replay, lostUpTo == 0, lostUpTo + 1);
	}

	int size() {
		return this.count;
	}

	long bytes() {
		return this.bytes;
	}

	@Override
	public String toString() {
		return "ReplayBuffer[" + this.count + " events, " + this.bytes + " bytes, chunks of " + this.chunkSize + " x "
				+ Arrays.stream(this.chunks).filter((chunk) -> chunk != null).count() + "]";
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
