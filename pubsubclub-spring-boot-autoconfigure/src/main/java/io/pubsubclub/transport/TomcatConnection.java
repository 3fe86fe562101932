package io.pubsubclub.transport;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.http.WebConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;

/**
 * One WebSocket connection upgraded from Tomcat's HTTP connector: its lifecycle, from
 * Tomcat's events to the handler's. A {@link FrameReader} decodes what the socket gives,
 * a {@link FrameWriter} writes what is queued; this class ties them to Tomcat and to the
 * Spring {@link WebSocketHandler}.
 * <p>
 * <b>Bounds, per connection, whatever the client sends.</b> Memory: at most the send-buffer
 * size of queued data frames, plus the reader's bound (max-message-size plus 125 bytes),
 * plus one pending pong, plus a constant; it holds no buffer at all while idle, since it
 * reads into a buffer of the reading thread. Reading: the socket is not read while the
 * connection's writes are stalled (Tomcat's write event re-arms reading), so a client that
 * sends pings, or anything answered, without reading cannot make the server queue without
 * bound. Work: the frames that reading one client produces for other connections are written
 * once {@value #MAX_BATCHED_BYTES} bytes of it are handled at most, not when the read loop
 * ends, which a client that streams without pause can put off for ever.
 * Time: a connection from which nothing arrives for the idle timeout is pinged halfway and
 * closed with 1001 at its end; one whose socket takes no byte for the send-time limit is
 * closed with 1013; a closing handshake takes at most the close timeout.
 * <p>
 * Tomcat creates it through {@code HttpServletRequest#upgrade}, so it is public with a
 * public constructor; {@link TomcatUpgradeStrategy} sets it up before Tomcat starts it.
 *
 * @author PubSubClub
 */
public final class TomcatConnection implements InternalHttpUpgradeHandler, FrameReader.Listener, FrameWriter.Events {

	private static final Log logger = LogFactory.getLog(TomcatConnection.class);

	static final int READ_BUFFER_SIZE = 16 * 1024;

	/**
	 * The most bytes read from one client while the frames they make for other connections
	 * wait in the write batch.
	 */
	static final int MAX_BATCHED_BYTES = 4 * READ_BUFFER_SIZE;

	private static final ThreadLocal<byte[]> readBuffer = ThreadLocal.withInitial(() -> new byte[READ_BUFFER_SIZE]);

	private static final byte[] SERVER_PING = TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_PING), new byte[0]);

	private @Nullable ConnectionSession session;

	private @Nullable WebSocketHandler handler;

	private @Nullable TransportSettings settings;

	private @Nullable SocketWrapperBase<?> socket;

	private @Nullable FrameReader reader;

	private final FrameWriter writer = new FrameWriter(this);

	private volatile long stalledSince;

	// when the client last sent a byte, and whether it was pinged since
	private volatile long lastRead = System.nanoTime();

	private volatile boolean pinged;

	// closing: our close frame queued; then the peer's seen; then the socket closed
	private final AtomicBoolean closeSent = new AtomicBoolean();

	private volatile boolean closeReceived;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile @Nullable CloseStatus closeStatus;

	private volatile boolean readSuspended;

	// reading stopped because the writes are stalled; Tomcat's write event resumes it
	private volatile boolean readStalled;

	// the peer broke the protocol: no answer to our close frame is waited for
	private volatile boolean failing;

	// whether a write batch will drain this connection when it ends
	final AtomicBoolean batched = new AtomicBoolean();

	/**
	 * Tomcat's instance; set up by {@link TomcatUpgradeStrategy}.
	 */
	public TomcatConnection() {
	}

	void setUp(ConnectionSession session, WebSocketHandler handler, TransportSettings settings) {
		this.session = session;
		this.handler = handler;
		this.settings = settings;
		this.reader = new FrameReader(settings.maxMessageBytes(), this);
	}

	@Override
	public void setSocketWrapper(SocketWrapperBase<?> socketWrapper) {
		this.socket = socketWrapper;
		this.writer.setSocket(socketWrapper);
	}

	@Override
	public void init(@Nullable WebConnection connection) {
		ConnectionSession session = session();
		session.connected(this);
		settings().idleWatch().watch(this);
		try {
			handler().afterConnectionEstablished(session);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed to open session " + session.getId(), ex);
			close(CloseStatus.SERVER_ERROR);
		}
		// a frame sent from afterConnectionEstablished may be waiting for this
		this.writer.drain();
	}

	@Override
	public SocketState upgradeDispatch(SocketEvent status) {
		switch (status) {
			case OPEN_READ -> {
				return read();
			}
			case OPEN_WRITE -> {
				// the socket took bytes: a session that keeps up, however slowly, is not stalled
				this.stalledSince = 0;
				this.writer.writable();
				if (this.readStalled && !this.writer.isAwaitingWritable() && !this.closed.get()) {
					this.readStalled = false;
					if (!this.readSuspended) {
						socket().processSocket(SocketEvent.OPEN_READ, true);
					}
				}
				return this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED;
			}
			case STOP -> {
				close(CloseStatus.GOING_AWAY);
				return this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED;
			}
			default -> {
				// ERROR, DISCONNECT, TIMEOUT, CONNECT_FAIL
				closed(CloseStatus.NO_CLOSE_FRAME, null);
				return SocketState.CLOSED;
			}
		}
	}

	@Override
	public void timeoutAsync(long now) {
	}

	@Override
	public void setSslSupport(SSLSupport sslSupport) {
	}

	@Override
	public void pause() {
	}

	@Override
	public void destroy() {
		closed(CloseStatus.NO_CLOSE_FRAME, null);
	}

	// ---------------------------------------------------------------- reading

	private SocketState read() {
		SocketWrapperBase<?> socket = socket();
		FrameReader reader = reader();
		WriteBatch batch = WriteBatch.open();
		int batched = 0;
		try {
			while (!this.closed.get()) {
				if (this.readSuspended) {
					return SocketState.SUSPENDED;
				}
				if (this.writer.isAwaitingWritable()) {
					// what the client sends may need answers the socket cannot take now
					this.readStalled = true;
					return SocketState.SUSPENDED;
				}
				byte[] buffer = readBuffer.get();
				int read = socket.read(false, buffer, 0, buffer.length);
				if (read < 0) {
					closed(CloseStatus.NO_CLOSE_FRAME, null);
					return SocketState.CLOSED;
				}
				if (read == 0) {
					break;
				}
				this.lastRead = System.nanoTime();
				reader.read(buffer, 0, read);
				batched += read;
				if (batched >= MAX_BATCHED_BYTES) {
					// what other connections were sent goes out now, however long this client
					// keeps sending (and this connection's pong and stall state are current)
					batch.close();
					batch = WriteBatch.open();
					batched = 0;
				}
			}
		}
		catch (Throwable ex) {
			transportError(ex);
			closed(CloseStatus.NO_CLOSE_FRAME, ex);
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
			return SocketState.CLOSED;
		}
		finally {
			batch.close();
		}
		return this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED;
	}

	@Override
	public void message(boolean text, byte[] buffer, int start, int length) {
		if (this.closeSent.get()) {
			return;
		}
		if (text) {
			deliver(new TextMessage(new String(buffer, start, length, StandardCharsets.UTF_8)));
		}
		else {
			deliver(new BinaryMessage(Arrays.copyOfRange(buffer, start, start + length)));
		}
	}

	@Override
	public void ping(byte[] payload) {
		if (this.closeSent.get()) {
			return;
		}
		this.writer.pong(payload);
		if (!WriteBatch.defer(this)) {
			this.writer.drain();
		}
	}

	@Override
	public void pong(byte[] payload) {
		deliver(new PongMessage(ByteBuffer.wrap(payload)));
	}

	@Override
	public void close(int code, String reason) {
		this.closeReceived = true;
		if (!this.closeSent.get()) {
			// the peer began the closing handshake: answer it, then the socket goes
			CloseStatus status = (code == CloseStatus.NO_STATUS_CODE.getCode()) ? CloseStatus.NO_STATUS_CODE
					: new CloseStatus(code, reason);
			sendClose(status, (status == CloseStatus.NO_STATUS_CODE) ? new byte[0]
					: new byte[] { (byte) (code >>> 8), (byte) code }, false);
		}
		this.writer.drain();
	}

	/**
	 * Fail the connection (RFC 6455 7.1.7) for what the peer sent: the close frame goes out
	 * and the socket is closed without waiting for an answer, since the peer's state is
	 * unknown.
	 */
	@Override
	public void failed(CloseStatus status) {
		// counted; logged at INFO at most once per interval, whatever clients send
		settings().failureLog()
			.log(logger, () -> "WebSocket session " + session().getId() + " from " + remoteAddress() + ": "
					+ status.getReason() + ", closing with " + status.getCode());
		this.failing = true;
		close(status);
	}

	private void deliver(WebSocketMessage<?> message) {
		try {
			handler().handleMessage(session(), message);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed on a message of session " + session().getId(), ex);
			close(CloseStatus.SERVER_ERROR);
		}
	}

	private void transportError(Throwable ex) {
		try {
			handler().handleTransportError(session(), ex);
		}
		catch (Throwable failure) {
			logger.debug("WebSocket handler failed on a transport error", failure);
		}
	}

	// ---------------------------------------------------------------- writing

	/**
	 * Queue a frame within the limits and write it, now or at the end of the current
	 * write batch.
	 * @return {@code false} if the frame was not queued; the connection is closing, or
	 * was just cut off for being too slow
	 */
	boolean send(byte[] frame) {
		TransportSettings settings = settings();
		long stalled = this.stalledSince;
		if (stalled != 0 && System.nanoTime() - stalled > settings.sendTimeLimitNanos()) {
			overflow(OutboundBuffer.Overflow.SEND_TIME);
			return false;
		}
		if (this.writer.queuedBytes() + frame.length > settings.sendBufferSize()) {
			overflow(OutboundBuffer.Overflow.BUFFER);
			return false;
		}
		if (!enqueue(frame)) {
			return false;
		}
		if (!WriteBatch.defer(this)) {
			this.writer.drain();
		}
		return true;
	}

	/**
	 * Queue a frame, atomically against the close frame's queuing: a frame goes before it
	 * or is refused.
	 */
	private boolean enqueue(byte[] frame) {
		synchronized (this.closeSent) {
			if (this.closed.get() || this.closeSent.get()) {
				return false;
			}
			this.writer.enqueue(frame);
		}
		return true;
	}

	void drain() {
		this.writer.drain();
	}

	@Override
	public void stalled() {
		if (this.stalledSince == 0) {
			long now = System.nanoTime();
			this.stalledSince = (now != 0) ? now : 1;
			// a stalled socket with nothing more sent to it is still cut off in time
			settings().stalls().watch(this);
		}
	}

	/**
	 * Called by the stall watch: cut the connection off if its socket has not taken a
	 * byte for longer than the send-time limit.
	 * @return whether the connection is still stalled and open, to be watched further
	 */
	boolean checkStalled(long now) {
		long stalled = this.stalledSince;
		if (stalled == 0 || this.closed.get()) {
			return false;
		}
		if (now - stalled >= settings().sendTimeLimitNanos()) {
			overflow(OutboundBuffer.Overflow.SEND_TIME);
			return false;
		}
		return true;
	}

	/**
	 * Called by the idle watch: ping a client silent for half the idle timeout, close one
	 * silent for all of it.
	 * @return whether the connection is still open, to be watched further
	 */
	boolean checkIdle(long now, long idleTimeoutNanos) {
		if (this.closed.get()) {
			return false;
		}
		long silent = now - this.lastRead;
		if (silent >= idleTimeoutNanos) {
			if (!this.closeSent.get()) {
				if (logger.isDebugEnabled()) {
					logger.debug("WebSocket session " + session().getId() + " from " + remoteAddress()
							+ ": nothing received for the idle timeout, closing with 1001");
				}
				this.failing = true;
				close(CloseStatus.GOING_AWAY.withReason("idle timeout"));
			}
		}
		else if (silent >= idleTimeoutNanos / 2) {
			if (!this.pinged) {
				this.pinged = true;
				if (enqueue(SERVER_PING)) {
					this.writer.drain();
				}
			}
		}
		else {
			this.pinged = false;
		}
		return true;
	}

	void suspendReading() {
		this.readSuspended = true;
	}

	void resumeReading() {
		this.readSuspended = false;
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null && !this.closed.get() && !this.readStalled) {
			// the read left off when suspended, on Tomcat's threads
			socket.processSocket(SocketEvent.OPEN_READ, true);
		}
	}

	@Nullable InetSocketAddress localAddress() {
		SocketWrapperBase<?> socket = this.socket;
		return (socket != null) ? new InetSocketAddress(socket.getLocalAddr(), socket.getLocalPort()) : null;
	}

	@Nullable InetSocketAddress remoteAddress() {
		SocketWrapperBase<?> socket = this.socket;
		return (socket != null) ? new InetSocketAddress(socket.getRemoteAddr(), socket.getRemotePort()) : null;
	}

	int maxMessageBytes() {
		return settings().maxMessageBytes();
	}

	long framesSent() {
		return this.writer.framesSent();
	}

	// ---------------------------------------------------------------- closing

	/**
	 * Start the closing handshake: the close frame goes out after what is queued, then the
	 * socket is closed when the peer answers, or after the close timeout.
	 */
	boolean close(CloseStatus status) {
		byte[] reason = (status.getReason() != null) ? status.getReason().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		byte[] payload = new byte[2 + Math.min(reason.length, 123)];
		payload[0] = (byte) (status.getCode() >>> 8);
		payload[1] = (byte) status.getCode();
		System.arraycopy(reason, 0, payload, 2, payload.length - 2);
		// a peer that does not read gets no more of what it could not take
		return sendClose(status, payload, status.getCode() == OutboundBuffer.SLOW_CONSUMER.getCode());
	}

	/**
	 * Queue the close frame behind every frame queued so far, unless one was queued
	 * already; nothing is queued after it.
	 */
	private boolean sendClose(CloseStatus status, byte[] payload, boolean dropQueued) {
		byte[] frame = TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_CLOSE), payload);
		synchronized (this.closeSent) {
			if (this.closed.get() || !this.closeSent.compareAndSet(false, true)) {
				return false;
			}
			this.closeStatus = status;
			this.writer.enqueueClose(frame, dropQueued);
		}
		// a peer that never answers, or never reads, is not waited for longer
		settings().scheduler()
			.schedule(() -> closed(status, null), settings().closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		this.writer.drain();
		return true;
	}

	private void overflow(OutboundBuffer.Overflow reason) {
		if (close(OutboundBuffer.SLOW_CONSUMER)) {
			// told once, by the thread that cut the session off
			session().overflow(reason);
		}
	}

	@Override
	public void closeWritten() {
		if (this.closeReceived || this.failing) {
			CloseStatus status = this.closeStatus;
			closed((status != null) ? status : CloseStatus.NORMAL, null);
		}
	}

	@Override
	public void failed(Throwable ex) {
		transportError(ex);
		closed(CloseStatus.NO_CLOSE_FRAME, ex);
	}

	@Override
	public boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * The connection is over: close the socket, tell the handler once. The socket is closed
	 * under its lock, so never beside a read or a write; when Tomcat's thread holds the
	 * lock, a dispatched event makes it close the socket itself.
	 */
	private void closed(CloseStatus status, @Nullable Throwable cause) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		CloseStatus handshake = this.closeStatus;
		CloseStatus reported = (handshake != null) ? handshake : status;
		closeSocket();
		this.writer.discard();
		FrameReader reader = this.reader;
		if (reader != null) {
			reader.release();
		}
		ConnectionSession session = this.session;
		WebSocketHandler handler = this.handler;
		if (session == null || handler == null) {
			return;
		}
		try {
			handler.afterConnectionClosed(session, reported);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed on the close of session " + session.getId(), ex);
		}
		if (cause != null && logger.isDebugEnabled()) {
			logger.debug("WebSocket session " + session.getId() + " lost", cause);
		}
	}

	private void closeSocket() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null) {
			return;
		}
		ReentrantLock lock = socket.getLock();
		if (lock.tryLock()) {
			try {
				socket.close();
			}
			finally {
				lock.unlock();
			}
		}
		else {
			// Tomcat's thread is in this connection's events: it sees the connection closed
			// and returns CLOSED, and Tomcat closes the socket
			socket.processSocket(SocketEvent.OPEN_READ, true);
		}
	}

	boolean isOpen() {
		return !this.closed.get() && !this.closeSent.get();
	}

	private ConnectionSession session() {
		ConnectionSession session = this.session;
		if (session == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return session;
	}

	private WebSocketHandler handler() {
		WebSocketHandler handler = this.handler;
		if (handler == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return handler;
	}

	private TransportSettings settings() {
		TransportSettings settings = this.settings;
		if (settings == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return settings;
	}

	private FrameReader reader() {
		FrameReader reader = this.reader;
		if (reader == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return reader;
	}

	private SocketWrapperBase<?> socket() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null) {
			throw new IllegalStateException("Connection has no socket");
		}
		return socket;
	}

}
