package io.pubsubclub.cluster;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The producer's one ordering point for PSC 1.2: it gives each forwarded publish the
 * next sequence number, keeps it in the {@link ReplayBuffer}, and queues it on every 1.2
 * link that asked for its topic, all under one short lock, so that each link's queue
 * holds increasing sequence numbers whatever number of threads publish. The links a
 * publish goes to are read under that lock too, so that a 203 served at the same moment
 * (which subscribes its link under the lock) either sees the publish in the buffer or
 * gets it live, never neither. Nothing is sent under the lock: the links'
 * {@link ResumeOutbox outboxes} are drained by the caller once it has let go.
 * <p>
 * Topics a dropped 1.2 link held are <em>retained</em> for {@code max-age}: what is
 * published on them meanwhile is numbered and kept for the link's return. After that they
 * stay <em>tracked</em> until the forget horizon ({@link ResumeSettings#horizon()}): a
 * publish on them is numbered and recorded as let go without being kept, so that a
 * consumer coming back late is told of the gap. A topic that is neither (its tracking
 * ended, or it was never held) is reported as a gap of unknown size when a 203 names it.
 * Both maps hold at most {@code max(1024, min(max-events, 65536))} topics each; past that
 * the oldest is let go, which can only turn a resume into a reported gap.
 *
 * @author PubSubClub
 */
final class Sequencer {

	private static final SecureRandom random = new SecureRandom();

	private final Object lock = new Object();

	private final String epoch;

	private final ReplayBuffer buffer;

	private final long maxAgeNanos;

	private final long horizonNanos;

	private final int maxTopics;

	// topic -> when it stops being kept; in that order (a refresh moves it to the end)
	private final LinkedHashMap<String, Long> retained = new LinkedHashMap<>();

	// topic -> when it stops being tracked; in that order
	private final LinkedHashMap<String, Long> tracked = new LinkedHashMap<>();

	private volatile boolean anyTracked;

	private long lastSeq;

	Sequencer(ResumeSettings settings) {
		this.epoch = newEpoch();
		this.maxAgeNanos = settings.maxAge().toNanos();
		this.horizonNanos = Math.max(this.maxAgeNanos, settings.horizon().toNanos());
		this.maxTopics = Math.max(1024, Math.min(settings.maxEvents(), 65536));
		this.buffer = new ReplayBuffer(settings.maxEvents(), settings.maxBytes(), this.maxAgeNanos);
	}

	/**
	 * Draw an epoch: 96 random bits as 16 base64url characters.
	 */
	static String newEpoch() {
		byte[] bits = new byte[12];
		random.nextBytes(bits);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
	}

	String epoch() {
		return this.epoch;
	}

	/**
	 * Return whether some topic is retained or tracked although no link may ask for it:
	 * then a publish nobody asked for must still come here.
	 * @return whether any topic is tracked
	 */
	boolean tracking() {
		return this.anyTracked;
	}

	/**
	 * Sequence one publish, keep it, and queue it on the 1.2 links that ask for its topic
	 * at this point of the sequence; or, on a topic tracked but no longer retained, number
	 * it and record it as lost; or do nothing.
	 * @param topic the topic
	 * @param eventJson the event
	 * @param sessionsJson the sessions element, if the publish names sessions
	 * @param consumers reads the links that ask for a topic, of any version
	 * @return the links read under the lock, whose outboxes the caller drains
	 */
	@Nullable Set<PeerLink> sequence(String topic, String eventJson, @Nullable String sessionsJson,
			Function<String, @Nullable Set<PeerLink>> consumers) {
		String quotedTopic = PscCodec.quote(topic);
		long now = System.nanoTime();
		synchronized (this.lock) {
			expire(now);
			Set<PeerLink> links = consumers.apply(topic);
			boolean resumable = false;
			if (links != null) {
				for (PeerLink link : links) {
					if (link.resume.outbox != null) {
						resumable = true;
						break;
					}
				}
			}
			if (!resumable && !this.retained.containsKey(topic)) {
				if (this.tracked.containsKey(topic)) {
					this.buffer.lost(topic, ++this.lastSeq);
				}
				return null;
			}
			long seq = ++this.lastSeq;
			// built under the lock, where the number is known: the event's text is copied once
			SequencedEvent event = new SequencedEvent(seq, topic,
					PscResumeCodec.event(quotedTopic, eventJson, seq, sessionsJson), now);
			this.buffer.add(event);
			if (links != null) {
				for (PeerLink link : links) {
					ResumeOutbox outbox = link.resume.outbox;
					if (outbox != null) {
						outbox.offer(event);
					}
				}
			}
			return links;
		}
	}

	/**
	 * Answer a 203: subscribe the link to its topics and start its replay at one point in
	 * the sequence, so that every event is either replayed or queued live, never both and
	 * never neither. A topic that is neither tracked here nor asked for by another 1.2
	 * link may have lost publishes that were never numbered: the replay then ends in a
	 * gap of unknown size.
	 * @param link the resuming link
	 * @param resume the 203
	 * @param subscribe subscribes the link to the 203's topics
	 * @param consumers reads the links that ask for a topic
	 */
	void resume(PeerLink link, PscMessage.Resume resume, Runnable subscribe,
			Function<String, @Nullable Set<PeerLink>> consumers) {
		ResumeOutbox outbox = link.resume.outbox;
		if (outbox == null) {
			return;
		}
		synchronized (this.lock) {
			expire(System.nanoTime());
			boolean untracked = false;
			for (String topic : resume.topics()) {
				if (!this.retained.containsKey(topic) && !this.tracked.containsKey(topic)
						&& !askedByAnother(link, consumers.apply(topic))) {
					untracked = true;
				}
			}
			subscribe.run();
			if (!this.epoch.equals(resume.epoch())) {
				outbox.replay(null, true);
			}
			else {
				outbox.replay(this.buffer.open(resume.lastSeq(), resume.topics()), untracked);
			}
		}
	}

	private static boolean askedByAnother(PeerLink link, @Nullable Set<PeerLink> links) {
		if (links != null) {
			for (PeerLink other : links) {
				if (other != link && other.resume.outbox != null) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Read the next batch of a replay. When it reaches the newest event the outbox turns
	 * live under the lock, so that the next publish is queued on it.
	 * @param outbox the replaying outbox
	 * @param cursor its replay
	 * @param maxChars the most characters to read (at least one event)
	 * @param into where the frames go
	 * @return whether the replay is done
	 */
	boolean next(ResumeOutbox outbox, ReplayBuffer.Cursor cursor, long maxChars, List<String> into) {
		synchronized (this.lock) {
			boolean done = this.buffer.next(cursor, maxChars, into, System.nanoTime());
			if (done) {
				outbox.live();
			}
			return done;
		}
	}

	/**
	 * Keep what is published on the topics of a dropped 1.2 link for its return, and
	 * track them after that.
	 * @param topics the topics
	 */
	void retain(Collection<String> topics) {
		if (!this.buffer.enabled() || topics.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		synchronized (this.lock) {
			expire(now);
			for (String topic : topics) {
				put(this.retained, topic, now + this.maxAgeNanos);
				put(this.tracked, topic, now + this.horizonNanos);
			}
			this.anyTracked = true;
		}
	}

	private void put(LinkedHashMap<String, Long> topics, String topic, long until) {
		topics.remove(topic);
		topics.put(topic, until);
		if (topics.size() > this.maxTopics) {
			Iterator<String> eldest = topics.keySet().iterator();
			eldest.next();
			eldest.remove();
		}
	}

	private void expire(long now) {
		expire(this.retained, now);
		expire(this.tracked, now);
		this.anyTracked = !this.tracked.isEmpty() || !this.retained.isEmpty();
	}

	private static void expire(LinkedHashMap<String, Long> topics, long now) {
		Iterator<Long> until = topics.values().iterator();
		while (until.hasNext() && now - until.next() > 0) {
			until.remove();
		}
	}

	/**
	 * Return the buffer's size for the state snapshot.
	 * @return events held, bytes held, last sequence number
	 */
	List<Long> stats() {
		synchronized (this.lock) {
			return List.of((long) this.buffer.size(), this.buffer.bytes(), this.lastSeq);
		}
	}

}
