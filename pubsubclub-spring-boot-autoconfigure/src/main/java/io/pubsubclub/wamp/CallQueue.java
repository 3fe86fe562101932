package io.pubsubclub.wamp;

import java.util.ArrayDeque;
import java.util.Queue;

import org.jspecify.annotations.Nullable;

/**
 * One session's CALLs: they start one after another, in the order they came, as
 * Autobahn handled a session's messages. A call's turn ends when its procedure returns
 * (a {@code CompletionStage} it returns may complete later, out of order); it stays
 * outstanding until answered. Calls still queued when the session closes are dropped.
 *
 * @author PubSubClub
 */
final class CallQueue {

	enum Admission {

		/** The call is first: the caller starts it. */
		START,

		/** The call waits for the one running. */
		QUEUED,

		/** The session has as many calls outstanding as it may. */
		BUSY,

		/** The session is closed. */
		CLOSED

	}

	private final Queue<WampCallInvoker.Call> queue = new ArrayDeque<>();

	private boolean running;

	private int outstanding;

	private boolean closed;

	synchronized Admission admit(WampCallInvoker.Call call, int limit) {
		if (this.closed) {
			return Admission.CLOSED;
		}
		if (this.outstanding >= limit) {
			return Admission.BUSY;
		}
		this.outstanding++;
		if (this.running) {
			this.queue.add(call);
			return Admission.QUEUED;
		}
		this.running = true;
		return Admission.START;
	}

	/**
	 * End the running call's turn.
	 * @return the call to start next, or {@code null} when there is none
	 */
	synchronized WampCallInvoker.@Nullable Call next() {
		WampCallInvoker.Call next = this.closed ? null : this.queue.poll();
		this.running = (next != null);
		return next;
	}

	/**
	 * A call was answered or dropped.
	 */
	synchronized void finished() {
		this.outstanding--;
	}

	synchronized int outstanding() {
		return this.outstanding;
	}

	/**
	 * Drop the queued calls.
	 * @return how many were dropped
	 */
	synchronized int close() {
		this.closed = true;
		int dropped = this.queue.size();
		this.queue.clear();
		this.outstanding -= dropped;
		return dropped;
	}

}
