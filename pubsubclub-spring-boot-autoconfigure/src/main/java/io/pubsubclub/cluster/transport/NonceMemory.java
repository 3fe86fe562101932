package io.pubsubclub.cluster.transport;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The nonces of accepted tokens, each remembered for a fixed time and at most a fixed
 * number at once. Nonces come in time order, so the oldest is always at the head of
 * the queue and expiry costs nothing but the removals.
 * <p>
 * When full of nonces younger than the memory time, a new one is refused: a replay
 * could not be ruled out. Only tokens made with the secret get this far.
 *
 * @author PubSubClub
 */
final class NonceMemory {

	private final long memoryMillis;

	private final int capacity;

	private final ArrayDeque<Entry> byAge = new ArrayDeque<>();

	private final Set<String> nonces = new HashSet<>();

	NonceMemory(long memoryMillis, int capacity) {
		this.memoryMillis = memoryMillis;
		this.capacity = capacity;
	}

	/**
	 * Remember a nonce unless it is remembered already.
	 * @param nonce the nonce
	 * @param nowMillis the current time
	 * @return whether the nonce is new (and now remembered)
	 */
	synchronized boolean remember(String nonce, long nowMillis) {
		while (!this.byAge.isEmpty() && nowMillis - this.byAge.peekFirst().seenMillis() >= this.memoryMillis) {
			this.nonces.remove(this.byAge.pollFirst().nonce());
		}
		if (this.nonces.contains(nonce) || this.nonces.size() >= this.capacity) {
			return false;
		}
		this.nonces.add(nonce);
		this.byAge.addLast(new Entry(nonce, nowMillis));
		return true;
	}

	synchronized int size() {
		return this.nonces.size();
	}

	private record Entry(String nonce, long seenMillis) {
	}

}
