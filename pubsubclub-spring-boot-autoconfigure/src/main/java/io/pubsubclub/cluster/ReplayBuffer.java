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
 * <p>
 * A replay is read from the buffer a batch at a time through a {@link Cursor}, which
 * holds no event: the memory a replay costs is its cursor (the 203's topics) and the one
 * batch on its way to the link, whatever the replay's length. Whether the replay lost
 * anything is known only when it reaches the newest event (an event it wanted may be let
 * go while it is read); the 204 is sent then.
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

	// topic hash -> highest sequence number let go; ordered by when it was last let go,
	// oldest first (folding the eldest into forgottenUpTo takes the highest number anyway)
	private final LinkedHashMap<Integer, Long> evicted = new LinkedHashMap<>(16, 0.75f, false);

	private long forgottenUpTo;

	// the highest sequence number ever let go (or never kept)
	private long lastLetGo;

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
		this.lastLetGo = Math.max(this.lastLetGo, seq);
		Integer key = topicHash;
		Long before = this.evicted.remove(key);
		// a publish marked lost may come before an older event of its topic is evicted
		this.evicted.put(key, (before != null && before > seq) ? before : seq);
		if (this.evicted.size() > this.maxEvictedTopics) {
			Iterator<Map.Entry<Integer, Long>> eldest = this.evicted.entrySet().iterator();
			this.forgottenUpTo = Math.max(this.forgottenUpTo, eldest.next().getValue());
			eldest.remove();
		}
	}

	/**
	 * Record a numbered publish that was not kept: it counts as let go, so that a
	 * consumer resuming its topic is told of a gap.
	 * @param topic the topic
	 * @param seq its sequence number
	 */
	void lost(String topic, long seq) {
		evicted(topic.hashCode(), seq);
	}

	/**
	 * Start a replay of the events after {@code lastSeq} on the given topics. It holds no
	 * event: {@link #next} reads them from the buffer a batch at a time.
	 * @param lastSeq the last sequence number the consumer delivered
	 * @param topics the topics it resumes
	 * @return the cursor
	 */
	Cursor open(long lastSeq, Collection<String> topics) {
		Map<Integer, List<String[]>> prefixes = new HashMap<>();
		for (String topic : topics) {
			prefixes.computeIfAbsent(topic.hashCode(), (hash) -> new ArrayList<>(1))
				.add(new String[] { "[301," + PscCodec.quote(topic) + ",", topic });
		}
		return new Cursor(lastSeq, prefixes);
	}

	/**
	 * Read the next events of a replay, up to about {@code maxChars} characters (at least
	 * one event), and note whether any event the replay wanted was let go before it was
	 * read.
	 * @param cursor the replay
	 * @param maxChars the most characters to read, unless one event is longer
	 * @param into where the frames go, in order
	 * @param now the current {@link System#nanoTime()}
	 * @return whether the replay reached the newest event
	 */
	boolean next(Cursor cursor, long maxChars, List<String> into, long now) {
		trim(now);
		long position = cursor.position;
		if (this.lastLetGo > position) {
			// something after the cursor was let go: was it on the replay's topics?
			long lost = (this.forgottenUpTo > position) ? this.forgottenUpTo : 0;
			for (Integer hash : cursor.prefixes.keySet()) {
				Long evictedSeq = this.evicted.get(hash);
				if (evictedSeq != null && evictedSeq > position && evictedSeq > lost) {
					lost = evictedSeq;
				}
			}
			cursor.lostUpTo = Math.max(cursor.lostUpTo, lost);
		}
		int from = firstAfter(position);
		long chars = 0;
		for (int i = from; i < this.count; i++) {
			if (chars > 0 && chars >= maxChars) {
				return false;
			}
			int slot = (this.first + i) % this.seqs.length;
			cursor.position = this.seqs[slot];
			List<String[]> wanted = cursor.prefixes.get(this.topicHashes[slot]);
			if (wanted == null) {
				continue;
			}
			long start = this.starts[slot];
			String frame = new String(this.chunks[(int) ((start / this.chunkSize) % this.chunks.length)],
					(int) (start % this.chunkSize), this.lengths[slot], StandardCharsets.UTF_8);
			for (String[] prefix : wanted) {
				if (frame.startsWith(prefix[0])) {
					into.add(frame);
					chars += frame.length();
					break;
				}
			}
		}
		return true;
	}

	// the index (from the oldest) of the first entry whose number is above seq
	private int firstAfter(long seq) {
		int low = 0;
		int high = this.count;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.seqs[(this.first + mid) % this.seqs.length] > seq) {
				high = mid;
			}
			else {
				low = mid + 1;
			}
		}
		return low;
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
	 * Where one replay stands: the highest sequence number it looked at, the topics it
	 * wants, and the highest wanted number that was let go before it was read. Holds no
	 * event. Guarded by the {@link Sequencer}, like the buffer.
	 */
	static final class Cursor {

		private final Map<Integer, List<String[]>> prefixes;

		private long position;

		private long lostUpTo;

		Cursor(long lastSeq, Map<Integer, List<String[]>> prefixes) {
			this.position = lastSeq;
			this.prefixes = prefixes;
		}

		/**
		 * Return the highest wanted sequence number that was let go unread, 0 for none.
		 * @return the last number lost
		 */
		long lostUpTo() {
			return this.lostUpTo;
		}

		void lostUpTo(long seq) {
			this.lostUpTo = Math.max(this.lostUpTo, seq);
		}

	}

}
