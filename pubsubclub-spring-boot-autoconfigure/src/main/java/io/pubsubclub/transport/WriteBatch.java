package io.pubsubclub.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The connections written to while one thread handles a run of events: their frames are
 * written when the run is over, so that the events that arrived together reach each
 * subscriber in one write, as an event loop writes what queued up for a connection once
 * per turn.
 * <p>
 * A batch opened by {@link #open()} (around the frames of one read) writes at its end on
 * the same thread. A batch opened by {@link #openDeferred()} is for a thread that hands
 * over events one at a time with no end of a run in sight, such as a cluster link's reader:
 * it leaves the writes to a flusher thread, and what queues up until that thread runs goes
 * out together. A batch opened by {@link #open(int)} (a dialled cluster link's read) writes
 * at its end on the same thread when it holds few connections, and leaves a wide fan-out
 * to the flusher, so that the writes and the next read run on two cores.
 * <p>
 * <b>Bound.</b> A batch holds another connection's frames for the handling of at most
 * {@link TomcatConnection#MAX_BATCHED_BYTES} bytes read from one client, never for a whole
 * read loop that a client streaming without pause can make last for ever. The flusher
 * thread survives any {@link Throwable} a connection's write throws.
 *
 * @author PubSubClub
 */
public final class WriteBatch implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(WriteBatch.class);

	private static final ThreadLocal<WriteBatch> current = ThreadLocal.withInitial(WriteBatch::new);

	private final List<TomcatConnection> connections = new ArrayList<>();

	private int depth;

	private boolean deferred;

	// more connections than this in the batch: they are left to the flusher
	private int inlineLimit = Integer.MAX_VALUE;

	private WriteBatch() {
	}

	/**
	 * Open a batch written at its end by the calling thread, or join the one it has open.
	 * @return the batch, to close when the run of events is handled
	 */
	public static WriteBatch open() {
		WriteBatch batch = current.get();
		batch.depth++;
		return batch;
	}

	/**
	 * Open a batch written at its end by the calling thread when it holds at most
	 * {@code inlineLimit} connections, else left to the flusher thread (a fan-out's writes
	 * then run beside the caller's next read, on another core); or join the one the
	 * calling thread has open.
	 * @param inlineLimit the most connections the calling thread writes itself
	 * @return the batch, to close when the run of events is handled
	 */
	public static WriteBatch open(int inlineLimit) {
		WriteBatch batch = current.get();
		if (batch.depth++ == 0) {
			batch.inlineLimit = inlineLimit;
		}
		return batch;
	}

	/**
	 * Open a batch whose writes are left to the flusher thread, or join the one the
	 * calling thread has open.
	 * @return the batch, to close when the event is handled
	 */
	public static WriteBatch openDeferred() {
		WriteBatch batch = current.get();
		if (batch.depth++ == 0) {
			batch.deferred = true;
		}
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
		if (this.deferred || this.connections.size() > this.inlineLimit) {
			this.deferred = false;
			this.inlineLimit = Integer.MAX_VALUE;
			Flusher.INSTANCE.flushLater(this.connections);
		}
		else {
			this.inlineLimit = Integer.MAX_VALUE;
			for (int i = 0; i < this.connections.size(); i++) {
				drain(this.connections.get(i));
			}
		}
		this.connections.clear();
	}

	private static void drain(TomcatConnection connection) {
		// cleared before the drain: a frame queued after it is left to its own sender
		connection.batched.set(false);
		connection.drain();
	}

	/**
	 * One daemon thread that writes the connections deferred batches leave to it. It
	 * only writes without blocking, so one serves every endpoint of the JVM.
	 */
	private static final class Flusher implements Runnable {

		static final Flusher INSTANCE = new Flusher();

		private final Queue<TomcatConnection> pending = new ConcurrentLinkedQueue<>();

		private final AtomicBoolean parked = new AtomicBoolean();

		private volatile Thread thread;

		private Flusher() {
			Thread thread = new Thread(this, "pubsubclub-wamp-flusher");
			thread.setDaemon(true);
			this.thread = thread;
			thread.start();
		}

		void flushLater(List<TomcatConnection> connections) {
			this.pending.addAll(connections);
			if (this.parked.compareAndSet(true, false)) {
				LockSupport.unpark(this.thread);
			}
		}

		@Override
		public void run() {
			while (true) {
				TomcatConnection connection;
				while ((connection = this.pending.poll()) != null) {
					try {
						drain(connection);
					}
					catch (Throwable ex) {
						// a connection's failure is its own (it closed itself); the others
						// still get written, and this thread lives on whatever was thrown
						logger.error("Write of a WebSocket session failed", ex);
					}
				}
				this.parked.set(true);
				if (this.pending.isEmpty()) {
					LockSupport.park(this);
				}
				this.parked.set(false);
			}
		}

	}

}
