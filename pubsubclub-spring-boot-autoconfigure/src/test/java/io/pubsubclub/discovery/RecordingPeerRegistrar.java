package io.pubsubclub.discovery;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link PeerRegistrar} that records what it is told, for tests.
 */
public class RecordingPeerRegistrar implements PeerRegistrar {

	private final List<String> calls = new ArrayList<>();

	private final Set<DiscoveredPeer> peers = new LinkedHashSet<>();

	private volatile RuntimeException failure;

	private volatile RuntimeException removeFailure;

	@Override
	public synchronized void add(DiscoveredPeer peer) {
		RuntimeException failure = this.failure;
		if (failure != null) {
			throw failure;
		}
		this.calls.add("add " + peer.address());
		this.peers.add(peer);
	}

	@Override
	public synchronized void remove(DiscoveredPeer peer) {
		RuntimeException removeFailure = this.removeFailure;
		if (removeFailure != null) {
			this.calls.add("failed remove " + peer.address());
			throw removeFailure;
		}
		this.calls.add("remove " + peer.address());
		this.peers.remove(peer);
	}

	private final List<String> seen = new ArrayList<>();

	@Override
	public synchronized void seen(DiscoveredPeer peer) {
		this.seen.add(peer.address() + " node " + peer.nodeId());
	}

	/** The peers told as seen again, apart from {@link #calls()}. */
	public synchronized List<String> seen() {
		return new ArrayList<>(this.seen);
	}

	public synchronized List<String> calls() {
		return new ArrayList<>(this.calls);
	}

	public synchronized Set<DiscoveredPeer> peers() {
		return new LinkedHashSet<>(this.peers);
	}

	public void failRemoveWith(RuntimeException failure) {
		this.removeFailure = failure;
	}

	public void failWith(RuntimeException failure) {
		this.failure = failure;
	}

}
