package io.pubsubclub.transport;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicBoolean;

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
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketHandler;

/**
 * One WebSocket connection upgraded from Tomcat's HTTP connector: its lifecycle, from
 * Tomcat's events to the handler's. A {@link ConnectionReader} reads
 * (with a {@link FrameReader}), a {@link ConnectionSender} sends within the limits (with a
 * {@link FrameWriter}), a {@link ConnectionCloser} closes; this class ties them to Tomcat
 * and to the Spring {@link WebSocketHandler}.
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
 * <b>Closing</b> is the {@link ConnectionCloser}'s: one close frame, one close of the socket
 * under the socket wrapper's lock, the handler told once; a slow consumer's cut has the
 * close timeout as grace for its close frame, then the socket is reset.
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

	private final ConnectionCloser closer = new ConnectionCloser(this, this.sender, this.writer);

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
				if (!this.closer.isClosed()) {
					reader().writable(socket(), this.writer.isAwaitingWritable());
				}
				return ended(this.closer.isClosed() ? SocketState.CLOSED : SocketState.UPGRADED);
			}
			case STOP -> {
				close(CloseStatus.GOING_AWAY);
				return ended(this.closer.isClosed() ? SocketState.CLOSED : SocketState.UPGRADED);
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
		return this.closer.closing(state, socket());
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

	void closeReceived(int code, String reason) {
		this.closer.closeReceived(code, reason);
	}

	void fail(CloseStatus status) {
		this.closer.fail(status);
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
		return !this.closer.isClosed() && reader().checkIdle(now, idleTimeoutNanos);
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
	 * Start the closing handshake.
	 * @see ConnectionCloser#close(CloseStatus)
	 */
	boolean close(CloseStatus status) {
		return this.closer.close(status);
	}

	void overflow(OutboundBuffer.Overflow reason) {
		this.closer.overflow(reason);
	}

	/**
	 * The close frame is queued: reading that stopped for stalled writes goes on, since
	 * nothing is answered any more.
	 */
	void readOnWhileClosing() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null) {
			reader().writable(socket, false);
		}
	}

	@Override
	public void closeWritten() {
		this.closer.closeWritten();
	}

	@Override
	public void failed(Throwable ex) {
		transportError(ex);
		closed(CloseStatus.NO_CLOSE_FRAME, ex);
	}

	@Override
	public boolean isClosed() {
		return this.closer.isClosed();
	}

	boolean isCloseSent() {
		return this.sender.isCloseQueued();
	}

	/**
	 * The connection is over.
	 * @see ConnectionCloser#closed(CloseStatus, Throwable)
	 */
	void closed(CloseStatus status, @Nullable Throwable cause) {
		this.closer.closed(status, cause);
	}

	/**
	 * The socket is closed: release the reader, tell the handler (once, from the closer).
	 */
	void afterClosed(CloseStatus status, @Nullable Throwable cause) {
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
			handler.afterConnectionClosed(session, status);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed on the close of session " + session.getId(), ex);
		}
		if (cause != null && logger.isDebugEnabled()) {
			logger.debug("WebSocket session " + session.getId() + " lost", cause);
		}
	}

	boolean isOpen() {
		return !this.closer.isClosed() && !this.sender.isCloseQueued();
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

	@Nullable SocketWrapperBase<?> socketIfSet() {
		return this.socket;
	}

	private static <T> T setUp(@Nullable T part) {
		if (part == null) {
			throw new IllegalStateException("Connection not set up");
		}
		return part;
	}

}
