package io.pubsubclub.transport;

import java.nio.ByteBuffer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketMessage;

/**
 * The reading side of a {@link TomcatConnection}: the read loop on Tomcat's thread, and
 * what each frame the {@link FrameReader} decodes does (a message to the handler, a ping
 * answered, the peer's close).
 * <p>
 * <b>Invariants.</b>
 * <ul>
 * <li>The socket is read only on Tomcat's thread for the connection, which holds the socket
 * wrapper's lock, into a buffer of that thread: nothing is held while idle.</li>
 * <li>While the connection's writes are stalled and its close frame is not queued, the
 * socket is not read (Tomcat's write event resumes reading), so a client that sends what
 * is answered (pings) without reading cannot make the server queue without bound. Once the
 * close frame is queued nothing is answered any more, and reading goes on whatever the
 * writes do: the peer's answer to the close is seen, and the socket is never closed with
 * bytes of the peer left unread (the kernel would then reset the connection and drop what
 * it still holds for the peer, the close frame included).</li>
 * <li>The frames that reading one client produces for other connections wait in the
 * thread's {@link WriteBatch} for at most {@value TomcatConnection#MAX_BATCHED_BYTES}
 * bytes read.</li>
 * <li>Nothing thrown ends the read loop without ending the connection: the handler hears
 * of the error, then of the close; an error fatal to the JVM is rethrown after that.</li>
 * </ul>
 *
 * @author PubSubClub
 */
final class ConnectionReader implements FrameReader.Listener {

	private static final Log logger = LogFactory.getLog(TomcatConnection.class);

	static final int READ_BUFFER_SIZE = 16 * 1024;

	private static final ThreadLocal<byte[]> readBuffer = ThreadLocal.withInitial(() -> new byte[READ_BUFFER_SIZE]);

	private final TomcatConnection connection;

	private final FrameReader frames;

	// when the client last sent a byte, and whether it was pinged since
	private volatile long lastRead = System.nanoTime();

	private volatile boolean pinged;

	private volatile boolean suspended;

	// reading stopped because the writes are stalled; Tomcat's write event resumes it
	private volatile boolean stalled;

	ConnectionReader(TomcatConnection connection, int maxMessageBytes) {
		this.connection = connection;
		this.frames = new FrameReader(maxMessageBytes, this);
	}

	/**
	 * Read what the socket has, on Tomcat's thread.
	 */
	SocketState read(SocketWrapperBase<?> socket, FrameWriter writer) {
		TomcatConnection connection = this.connection;
		WriteBatch batch = WriteBatch.open();
		int batched = 0;
		try {
			while (!connection.isClosed()) {
				if (this.suspended) {
					return SocketState.SUSPENDED;
				}
				if (writer.isAwaitingWritable() && !connection.isCloseSent()) {
					// what the client sends may need answers the socket cannot take now
					this.stalled = true;
					return SocketState.SUSPENDED;
				}
				byte[] buffer = readBuffer.get();
				int read = socket.read(false, buffer, 0, buffer.length);
				if (read < 0) {
					connection.closed(CloseStatus.NO_CLOSE_FRAME, null);
					return SocketState.CLOSED;
				}
				if (read == 0) {
					break;
				}
				this.lastRead = System.nanoTime();
				this.frames.read(buffer, 0, read);
				batched += read;
				if (batched >= TomcatConnection.MAX_BATCHED_BYTES) {
					// what other connections were sent goes out now, however long this client
					// keeps sending (and this connection's pong and stall state are current)
					batch.close();
					batch = WriteBatch.open();
					batched = 0;
				}
			}
		}
		catch (Throwable ex) {
			connection.transportError(ex);
			connection.closed(CloseStatus.NO_CLOSE_FRAME, ex);
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
			return SocketState.CLOSED;
		}
		finally {
			batch.close();
		}
		return connection.isClosed() ? SocketState.CLOSED : SocketState.UPGRADED;
	}

	/**
	 * Tomcat's write event came: reading that stopped for stalled writes goes on.
	 */
	void writable(SocketWrapperBase<?> socket, boolean awaitingWritable) {
		if (this.stalled && !awaitingWritable && !this.connection.isClosed()) {
			this.stalled = false;
			if (!this.suspended) {
				socket.processSocket(SocketEvent.OPEN_READ, true);
			}
		}
	}

	void suspend() {
		this.suspended = true;
	}

	void resume(SocketWrapperBase<?> socket) {
		this.suspended = false;
		if (!this.connection.isClosed() && !this.stalled) {
			// the read left off when suspended, on Tomcat's threads
			socket.processSocket(SocketEvent.OPEN_READ, true);
		}
	}

	/**
	 * Ping a client silent for half the idle timeout (once per silence), close one silent
	 * for all of it with 1001.
	 * @return whether the connection is still open, to be watched further
	 */
	boolean checkIdle(long now, long idleTimeoutNanos) {
		TomcatConnection connection = this.connection;
		long silent = now - this.lastRead;
		if (silent >= idleTimeoutNanos) {
			if (!connection.isCloseSent()) {
				if (logger.isDebugEnabled()) {
					logger.debug("WebSocket session " + connection.session().getId() + " from "
							+ connection.remoteAddress() + ": nothing received for the idle timeout, closing with 1001");
				}
				connection.fail(CloseStatus.GOING_AWAY.withReason("idle timeout"));
			}
		}
		else if (silent >= idleTimeoutNanos / 2) {
			if (!this.pinged) {
				this.pinged = true;
				connection.ping();
			}
		}
		else {
			this.pinged = false;
		}
		return true;
	}

	void release() {
		this.frames.release();
	}

	@Override
	public void message(boolean text, byte[] buffer, int start, int length) {
		if (this.connection.isCloseSent()) {
			return;
		}
		deliver(WebSocketMessages.received(text, buffer, start, length));
	}

	@Override
	public void ping(byte[] payload) {
		this.connection.pong(payload);
	}

	@Override
	public void pong(byte[] payload) {
		deliver(new PongMessage(ByteBuffer.wrap(payload)));
	}

	@Override
	public void close(int code, String reason) {
		this.connection.closeReceived(code, reason);
	}

	/**
	 * Fail the connection (RFC 6455 7.1.7) for what the peer sent: the close frame goes out
	 * and the socket is closed without waiting for an answer, since the peer's state is
	 * unknown.
	 */
	@Override
	public void failed(CloseStatus status) {
		TomcatConnection connection = this.connection;
		// counted; logged at INFO at most once per interval, whatever clients send
		connection.settings()
			.failureLog()
			.log(logger, () -> "WebSocket session " + connection.session().getId() + " from "
					+ connection.remoteAddress() + ": " + status.getReason() + ", closing with " + status.getCode());
		connection.fail(status);
	}

	private void deliver(WebSocketMessage<?> message) {
		try {
			this.connection.handler().handleMessage(this.connection.session(), message);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed on a message of session " + this.connection.session().getId(), ex);
			this.connection.close(CloseStatus.SERVER_ERROR);
		}
	}

}
