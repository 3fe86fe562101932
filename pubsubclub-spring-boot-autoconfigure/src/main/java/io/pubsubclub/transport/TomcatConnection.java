package io.pubsubclub.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.servlet.http.WebConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.Nio2Channel;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.OutboundBuffer;
import io.pubsubclub.support.TextFrame;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;

/**
 * One WebSocket connection upgraded from Tomcat's HTTP connector: its lifecycle, from
 * Tomcat's events to the handler's, and its closing. A {@link ConnectionReader} reads
 * (with a {@link FrameReader}), a {@link ConnectionSender} sends within the limits (with a
 * {@link FrameWriter}); this class ties them to Tomcat and to the Spring
 * {@link WebSocketHandler}.
 * <p>
 * <b>Bounds, per connection, whatever the client sends.</b> Memory: at most the send-buffer
 * size of queued data frames, plus the reader's bound (max-message-size plus 125 bytes),
 * plus one pending pong, plus a constant; it holds no buffer at all while idle, since it
 * reads into a buffer of the reading thread. Reading stops while the connection's writes
 * are stalled (see {@link ConnectionReader}). Work: the frames that reading one client
 * produces for other connections are written once {@value #MAX_BATCHED_BYTES} bytes of it
 * are handled at most. Time: a connection from which nothing arrives for the idle timeout
 * is pinged halfway and closed with 1001 at its end; one whose socket takes no byte for the
 * send-time limit is cut off with 1013; every closing ends within the close timeout.
 * <p>
 * <b>Closing.</b> One close frame per connection, queued once ({@link ConnectionSender});
 * the socket is closed once, under the socket wrapper's lock (never beside a read or a
 * write), and the handler hears of the close once.
 * <ul>
 * <li>A closing handshake (the handler closes the session, or the peer does) queues the
 * close frame behind what is queued; the socket is closed when both close frames have
 * crossed, or at the end of the close timeout.</li>
 * <li>A connection failed for what the peer sent (1002, 1007, 1009) or silent for the idle
 * timeout is closed as soon as its close frame is written.</li>
 * <li>A connection cut off as too slow (1013) drops the frames queued that have not
 * started: the frame partly written is finished (what Tomcat holds goes out first), so the
 * stream stays whole, and the close frame alone follows it. The peer has the close timeout
 * (the grace: 3 s for WAMP sessions, the send-time limit for cluster links) from the cut to
 * take it: a peer that reads again in that time reads on to the close frame 1013 and its
 * reason. When the grace ends with the close frame still not written, the connection is
 * aborted: the socket is reset (SO_LINGER 0), so that the kernel drops what it still holds
 * for a peer that does not read, instead of keeping it for the peer.</li>
 * </ul>
 * No thread waits for any of it: the grace is a task on the endpoint's timer, which only
 * closes (with {@code tryLock}; when Tomcat's thread holds the lock, a dispatched event has
 * Tomcat's thread close the socket).
 * <p>
 * Tomcat creates it through {@code HttpServletRequest#upgrade}, so it is public with a
 * public constructor; {@link TomcatUpgradeStrategy} sets it up before Tomcat starts it.
 *
 * @author PubSubClub
 */
public final class TomcatConnection implements InternalHttpUpgradeHandler, FrameWriter.Events {

	private static final Log logger = LogFactory.getLog(TomcatConnection.class);

	/**
	 * The most bytes read from one client while the frames they make for other connections
	 * wait in the write batch.
	 */
	static final int MAX_BATCHED_BYTES = 4 * ConnectionReader.READ_BUFFER_SIZE;

	private @Nullable ConnectionSession session;

	private @Nullable WebSocketHandler handler;

	private @Nullable TransportSettings settings;

	private @Nullable SocketWrapperBase<?> socket;

	private @Nullable ConnectionReader reader;

	private final FrameWriter writer = new FrameWriter(this);

	private final ConnectionSender sender = new ConnectionSender(this, this.writer);

	// closing: our close frame queued (the sender's flag); then the peer's seen; then the
	// socket closed
	private volatile boolean closeReceived;

	private final AtomicBoolean closed = new AtomicBoolean();

	// the peer broke the protocol, or was silent: no answer to our close frame is waited for
	private volatile boolean failing;

	// our close frame left for the kernel
	private volatile boolean closeWritten;

	// the socket is to be reset, not closed: the grace ended before the close frame left
	private volatile boolean abort;

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
		this.reader = new ConnectionReader(this, settings.maxMessageBytes());
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
				return ended(reader().read(socket(), this.writer));
			}
			case OPEN_WRITE -> {
				this.sender.writable();
				if (!this.closed.get()) {
					reader().writable(socket(), this.writer.isAwaitingWritable());
				}
				return ended(this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED);
			}
			case STOP -> {
				close(CloseStatus.GOING_AWAY);
				return ended(this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED);
			}
			default -> {
				// ERROR, DISCONNECT, TIMEOUT, CONNECT_FAIL
				closed(CloseStatus.NO_CLOSE_FRAME, null);
				return ended(SocketState.CLOSED);
			}
		}
	}

	/**
	 * Tomcat closes the socket when told {@code CLOSED}: reset it first if it is aborted
	 * (this thread holds the socket wrapper's lock).
	 */
	private SocketState ended(SocketState state) {
		if (state == SocketState.CLOSED && this.abort) {
			resetOnClose(socket());
		}
		return state;
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

	// ---------------------------------------------------------------- reading and sending

	boolean send(byte[] frame) {
		return this.sender.send(frame);
	}

	void drain() {
		this.writer.drain();
	}

	void pong(byte[] payload) {
		this.sender.pong(payload);
	}

	/**
	 * The peer's close frame: answer it (unless ours is out already); the socket goes when
	 * both have crossed.
	 */
	void closeReceived(int code, String reason) {
		this.closeReceived = true;
		if (!this.sender.isCloseQueued()) {
			CloseStatus status = (code == CloseStatus.NO_STATUS_CODE.getCode()) ? CloseStatus.NO_STATUS_CODE
					: new CloseStatus(code, reason);
			queueClose(status, (status == CloseStatus.NO_STATUS_CODE) ? new byte[0]
					: new byte[] { (byte) (code >>> 8), (byte) code }, false);
		}
		this.writer.drain();
	}

	/**
	 * Fail the connection (RFC 6455 7.1.7), or close one silent for the idle timeout: the
	 * close frame goes out and the socket is closed without waiting for an answer.
	 */
	void fail(CloseStatus status) {
		this.failing = true;
		close(status);
	}

	void transportError(Throwable ex) {
		try {
			handler().handleTransportError(session(), ex);
		}
		catch (Throwable failure) {
			logger.debug("WebSocket handler failed on a transport error", failure);
		}
	}

	@Override
	public void stalled() {
		this.sender.stalled();
	}

	/**
	 * Called by the stall watch.
	 * @return whether the connection is still stalled and open, to be watched further
	 * @see ConnectionSender#checkStalled(long)
	 */
	boolean checkStalled(long now) {
		return this.sender.checkStalled(now);
	}

	/**
	 * Called by the idle watch.
	 * @return whether the connection is still open, to be watched further
	 * @see ConnectionReader#checkIdle(long, long)
	 */
	boolean checkIdle(long now, long idleTimeoutNanos) {
		return !this.closed.get() && reader().checkIdle(now, idleTimeoutNanos);
	}

	void ping() {
		this.sender.ping();
	}

	void suspendReading() {
		reader().suspend();
	}

	void resumeReading() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null) {
			reader().resume(socket);
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
	 * Start the closing handshake: the close frame goes out after what is queued (for a
	 * slow consumer, instead of what has not started), then the socket is closed as the
	 * class describes.
	 */
	boolean close(CloseStatus status) {
		byte[] reason = (status.getReason() != null) ? status.getReason().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		byte[] payload = new byte[2 + Math.min(reason.length, 123)];
		payload[0] = (byte) (status.getCode() >>> 8);
		payload[1] = (byte) status.getCode();
		System.arraycopy(reason, 0, payload, 2, payload.length - 2);
		// a peer that does not read gets no more of what it could not take
		return queueClose(status, payload, status.getCode() == OutboundBuffer.SLOW_CONSUMER.getCode());
	}

	private boolean queueClose(CloseStatus status, byte[] payload, boolean cut) {
		byte[] frame = TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_CLOSE), payload);
		if (!this.sender.queueClose(status, frame, cut)) {
			return false;
		}
		// the grace: a peer that never answers, or never reads, is not waited for longer
		settings().scheduler()
			.schedule(() -> graceEnded(status), settings().closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null) {
			// nothing is answered any more: a read stopped for stalled writes goes on
			reader().writable(socket, false);
		}
		this.writer.drain();
		return true;
	}

	private void graceEnded(CloseStatus status) {
		if (!this.closed.get() && !this.closeWritten) {
			// what the peer did not take is dropped, by the kernel too
			this.abort = true;
		}
		closed(status, null);
	}

	void overflow(OutboundBuffer.Overflow reason) {
		if (close(OutboundBuffer.SLOW_CONSUMER)) {
			// told once, by the thread that cut the session off
			session().overflow(reason);
		}
	}

	@Override
	public void closeWritten() {
		this.closeWritten = true;
		if (this.closeReceived || this.failing) {
			CloseStatus status = this.sender.closeStatus();
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

	boolean isCloseSent() {
		return this.sender.isCloseQueued();
	}

	/**
	 * The connection is over: close the socket, tell the handler once.
	 */
	void closed(CloseStatus status, @Nullable Throwable cause) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		CloseStatus handshake = this.sender.closeStatus();
		CloseStatus reported = (handshake != null) ? handshake : status;
		closeSocket();
		this.writer.discard();
		ConnectionReader reader = this.reader;
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

	/**
	 * Close the socket under its lock, so never beside a read or a write; when Tomcat's
	 * thread holds the lock, a dispatched event makes it close the socket itself.
	 */
	private void closeSocket() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null) {
			return;
		}
		ReentrantLock lock = socket.getLock();
		if (lock.tryLock()) {
			try {
				if (this.abort) {
					resetOnClose(socket);
				}
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

	/**
	 * Make the socket's close a reset (SO_LINGER 0); the caller holds the socket wrapper's
	 * lock, so the channel is still this connection's.
	 */
	private static void resetOnClose(SocketWrapperBase<?> socket) {
		Object channel = socket.getSocket();
		NetworkChannel network = (channel instanceof NioChannel nio) ? nio.getIOChannel()
				: (channel instanceof Nio2Channel nio2) ? nio2.getIOChannel() : null;
		if (network == null || !network.isOpen()) {
			return;
		}
		try {
			network.setOption(StandardSocketOptions.SO_LINGER, 0);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not reset a WebSocket connection on close", ex);
		}
	}

	boolean isOpen() {
		return !this.closed.get() && !this.sender.isCloseQueued();
	}

	ConnectionSession session() {
		return setUp(this.session);
	}

	WebSocketHandler handler() {
		return setUp(this.handler);
	}

	TransportSettings settings() {
		return setUp(this.settings);
	}

	private ConnectionReader reader() {
		return setUp(this.reader);
	}

	private SocketWrapperBase<?> socket() {
		return setUp(this.socket);
	}

	private static <T> T setUp(@Nullable T part) {
		if (part == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return part;
	}

}
