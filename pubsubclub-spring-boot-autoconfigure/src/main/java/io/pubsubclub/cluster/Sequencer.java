package io.pubsubclub.cluster;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The producer's one ordering point for PSC 1.2: it gives each forwarded publish the
 * next sequence number, keeps it in the {@link ReplayBuffer}, and queues it on every 1.2
 * link that asked for its topic, all under one short lock, so that each link's queue
 * holds increasing sequence numbers whatever number of threads publish. Nothing is sent
 * under the lock: the links' {@link ResumeOutbox outboxes} are drained by the caller
 * once it has let go.
 * <p>
 * Topics that a dropped 1.2 link held stay retained for the buffer's maximum age, so
 * that what is published on them while no consumer is linked is kept for its return.
 *
 * @author PubSubClub
 */
final class Sequencer {

	private static final SecureRandom random = new SecureRandom();

	private final Object lock = new Object();

	private final String epoch;

	private final ReplayBuffer buffer;

	private final long maxAgeNanos;

	private final Map<String, Long> retained = new HashMap<>();

	private volatile boolean anyRetained;

	private long lastSeq;

	Sequencer(ResumeSettings settings) {
		this.epoch = newEpoch();
		this.maxAgeNanos = settings.maxAge().toNanos();
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
	 * Sequence one publish, keep it, and queue it on the 1.2 links among the consumers.
	 * @param topic the topic
	 * @param eventJson the event
	 * @param sessionsJson the sessions element, if the publish names sessions
	 * @param consumers the links that asked for the topic, of any version
	 * @return the sequenced event
	 */
	SequencedEvent sequence(String topic, String eventJson, @Nullable String sessionsJson,
			@Nullable Collection<PeerLink> consumers) {
		String quotedTopic = PscCodec.quote(topic);
		synchronized (this.lock) {
			long seq = ++this.lastSeq;
			// built under the lock, where the number is known: the event's text is copied once
			SequencedEvent event = new SequencedEvent(seq, topic,
					PscResumeCodec.event(quotedTopic, eventJson, seq, sessionsJson), System.nanoTime());
			this.buffer.add(event);
			if (consumers != null) {
				for (PeerLink consumer : consumers) {
					ResumeOutbox outbox = consumer.outbox();
					if (outbox != null) {
						outbox.offer(event);
					}
				}
			}
			return event;
		}
	}

	/**
	 * Answer a 203: subscribe the link to its topics and hand its outbox the replay,
	 * at one point in the sequence, so that every event is either replayed or queued
	 * live, never both and never neither.
	 * @param outbox the link's outbox
	 * @param resume the 203
	 * @param subscribe subscribes the link to the 203's topics
	 * @return the replay
	 */
	ReplayBuffer.Replay resume(ResumeOutbox outbox, PscMessage.Resume resume, Runnable subscribe) {
		synchronized (this.lock) {
			subscribe.run();
			ReplayBuffer.Replay replay = this.epoch.equals(resume.epoch())
					? this.buffer.replay(resume.lastSeq(), resume.topics(), System.nanoTime())
					: ReplayBuffer.Replay.otherEpoch();
			outbox.replay(replay);
			return replay;
		}
	}

	/**
	 * Keep what is published on the topics of a dropped 1.2 link for its return.
	 * @param topics the topics
	 */
	void retain(Collection<String> topics) {
		if (!this.buffer.enabled() || topics.isEmpty()) {
			return;
		}
		long now = System.nanoTime();
		synchronized (this.lock) {
			this.retained.values().removeIf((expiry) -> now - expiry > 0);
			for (String topic : topics) {
				this.retained.put(topic, now + this.maxAgeNanos);
			}
			this.anyRetained = true;
		}
	}

	/**
	 * Return whether a publish on the topic must be kept although no link asks for it.
	 * @param topic the topic
	 * @return whether the topic is retained
	 */
	boolean retains(String topic) {
		if (!this.anyRetained) {
			return false;
		}
		synchronized (this.lock) {
			Long expiry = this.retained.get(topic);
			if (expiry != null && System.nanoTime() - expiry > 0) {
				this.retained.remove(topic);
				this.anyRetained = !this.retained.isEmpty();
				return false;
			}
			return expiry != null;
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
