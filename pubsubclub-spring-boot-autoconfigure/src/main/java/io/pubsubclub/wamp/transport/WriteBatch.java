package io.pubsubclub.wamp.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * The connections written to while one thread handles the frames of one read: their
 * frames are written when the read has been handled, so that the events of several
 * publishes that arrived together reach each subscriber in one write, as an event loop
 * writes what queued up for a connection once per turn.
 *
 * @author PubSubClub
 */
final class WriteBatch implements AutoCloseable {

	private static final ThreadLocal<WriteBatch> current = ThreadLocal.withInitial(WriteBatch::new);

	private final List<TomcatConnection> connections = new ArrayList<>();

	private int depth;

	private WriteBatch() {
	}

	static WriteBatch open() {
		WriteBatch batch = current.get();
		batch.depth++;
		return batch;
	}

	/**
	 * Leave the connection's frames to the batch of the calling thread, if it has one.
	 * @return whether the batch will write them
	 */
	static boolean defer(TomcatConnection connection) {
		WriteBatch batch = current.get();
		if (batch.depth == 0) {
			return false;
		}
		if (connection.batched.compareAndSet(false, true)) {
			batch.connections.add(connection);
		}
		return true;
	}

	@Override
	public void close() {
		if (--this.depth > 0) {
			return;
		}
		// a connection written here may be written to again by the drain of another
		for (int i = 0; i < this.connections.size(); i++) {
			TomcatConnection connection = this.connections.get(i);
			// cleared before the drain: a frame queued after it is left to its own sender
			connection.batched.set(false);
			connection.drain();
		}
		this.connections.clear();
	}

}
