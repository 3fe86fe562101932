package io.pubsubclub.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.RateLimitedLog;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A WebSocket connection this node dials ({@code ws://} or {@code wss://}), for the few
 * long-lived connections of a cluster: a blocking socket ({@link SSLSocket} for TLS) with
 * one thread that reads it and one that writes it ({@link BlockingWriter}). The reading
 * thread hands each message to the handler itself, inside a {@link WriteBatch} around
 * each read, so that what the handler sends to the starter's other connections (a
 * cluster event's EVENTs to WAMP sessions) is written at the end of that read on the same
 * thread, with no hand-off, unless it goes to more than {@value #INLINE_WRITES}
 * connections: then the batch's flusher writes it while this thread reads on.
 * <p>
 * <b>Bounds, per connection, whatever the server sends.</b> Memory: the reader's bound
 * ({@code maxMessageBytes} plus 125 bytes), the read buffer ({@value #READ_BUFFER_SIZE}
 * bytes) and the writer's ({@value BlockingWriter#BUFFER_SIZE} bytes), the queued data
 * frames (at most the send-buffer size: a sender that would pass it cuts the connection
 * off with 1013), one pending pong, and two threads. Time: a write that takes longer than
 * the send-time limit closes the socket (reported 1013); a closing handshake takes at
 * most the send-time limit; the opening one (TCP, TLS and upgrade) at most the handshake
 * timeout. The server's frames are checked by {@link FrameReader} (unmasked, within the
 * size limit, valid UTF-8); a violation fails the connection with 1002, 1007 or 1009, and
 * is counted and logged (at INFO once per {@code TransportSettings#FAILURE_LOG_INTERVAL},
 * the others at DEBUG).
 * <p>
 * Threads: the reader reports the connection's end to the handler, once; no other thread
 * does (they close the socket, which ends the reader). Sends never block: they queue for
 * the writer. A close may be started by any thread and never blocks either; the closing
 * handshake's rules (what may still be queued, when the socket goes) are
 * {@link ClientClosing}'s.
 *
 * @author PubSubClub
 */
public final class ClientConnection implements FrameReader.Listener, BlockingWriter.Events {

	private static final Log logger = LogFactory.getLog(ClientConnection.class);

	static final int READ_BUFFER_SIZE = 16 * 1024;

	/**
	 * The most connections whose writes one read of a dialled connection makes on its own
	 * thread; more are left to the write batch's flusher. One reading thread writing a
	 * fan-out to 1,000 sessions itself delivered half as much as with the flusher writing
	 * beside it (2 cores, 2026-12-08); up to 100 it delivered more, with no thread switch.
	 */
	static final int INLINE_WRITES = 256;

	/** At most one INFO line about a failed connection per interval; the others at DEBUG. */
	private static final RateLimitedLog failureLog = RateLimitedLog
		.info(1, TransportSettings.FAILURE_LOG_INTERVAL)
		.summary((unlogged, total) -> " (" + total + " dialled connections failed so far; the others at DEBUG)")
		.build();

	private final Socket socket;

	// the TCP socket under a TLS one: closed directly, since closing an SSLSocket waits
	// to write its close_notify behind a write that may be blocked
	private final Socket tcp;

	private final InputStream in;

	private final URI uri;

	private final HttpHeaders requestHeaders;

	private final HttpHeaders responseHeaders;

	private final ClientSettings settings;

	private final FrameReader reader;

	private final BlockingWriter writer;

	private final ClientClosing closing;

	private final ClientSender sender;

	private @Nullable ClientSession session;

	private @Nullable WebSocketHandler handler;

	private @Nullable ScheduledFuture<?> watch;

	private volatile @Nullable IOException writeFailure;

	private ClientConnection(Socket socket, Socket tcp, URI uri, HttpHeaders requestHeaders,
			HttpHeaders responseHeaders, ClientSettings settings) throws IOException {
		this.socket = socket;
		this.tcp = tcp;
		this.in = socket.getInputStream();
		this.uri = uri;
		this.requestHeaders = HttpHeaders.readOnlyHttpHeaders(requestHeaders);
		this.responseHeaders = HttpHeaders.readOnlyHttpHeaders(responseHeaders);
		this.settings = settings;
		this.reader = new FrameReader(settings.maxMessageBytes(), false, this);
		this.writer = new BlockingWriter(socket.getOutputStream(), this);
		this.closing = new ClientClosing(this.writer, tcp);
		this.sender = new ClientSender(this.writer, this.closing, settings, (reason) -> session().overflow(reason));
	}

	/**
	 * Dial and upgrade, blocking the calling thread for the handshake timeout at most.
	 * @param uri {@code ws://} or {@code wss://} (then the settings must have TLS)
	 * @param headers the request's headers
	 * @param settings limits, TLS and threads
	 * @return the connection, open, whose frames are read once it is {@linkplain #start started}
	 * @throws IOException when the server cannot be reached or refuses the upgrade (its
	 * status in brackets in the message, {@code [401]})
	 */
	public static ClientConnection open(URI uri, HttpHeaders headers, ClientSettings settings) throws IOException {
		ClientHandshake.Opened opened = ClientHandshake.open(uri, headers, settings);
		try {
			return new ClientConnection(opened.socket(), opened.tcp(), uri, headers, opened.response(), settings);
		}
		catch (IOException | RuntimeException ex) {
			ClientClosing.closeQuietly(opened.tcp());
			throw ex;
		}
	}

	/**
	 * Return the headers of the server's 101 response.
	 * @return the headers
	 */
	public HttpHeaders responseHeaders() {
		return this.responseHeaders;
	}

	/**
	 * Give the connection to the handler: it is told of the session on the calling
	 * thread, then the reading and writing threads start.
	 * @param handler the handler
	 * @param attributes the session's attributes
	 * @return the session
	 */
	public WebSocketSession start(WebSocketHandler handler, Map<String, Object> attributes) {
		ClientSession session = new ClientSession(this, this.uri, this.requestHeaders, attributes);
		this.session = session;
		this.handler = handler;
		this.writer.start(this.settings.threads().newThread(this.writer));
		long period = Math.max(Math.min(this.settings.sendTimeLimit().toNanos() / 4, TimeUnit.SECONDS.toNanos(1)),
				TimeUnit.MILLISECONDS.toNanos(10));
		this.watch = ClientWatch.TIMER.scheduleWithFixedDelay(this.sender::tick, period, period, TimeUnit.NANOSECONDS);
		try {
			handler.afterConnectionEstablished(session);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed to open session " + session.getId(), ex);
			close(CloseStatus.SERVER_ERROR);
		}
		this.settings.threads().newThread(this::read).start();
		return session;
	}

	/**
	 * Refuse the server after the upgrade, before {@link #start}: the close frame is
	 * written on the calling thread and the socket closed.
	 * @param status the close status
	 */
	public void reject(CloseStatus status) {
		try {
			this.socket.getOutputStream().write(MaskedFrame.encode((byte) 0x88, CloseFrames.payload(status)));
		}
		catch (IOException ex) {
			// closed either way
		}
		this.closing.closeSocket();
	}

	// ---------------------------------------------------------------- reading

	private void read() {
		byte[] buffer = new byte[READ_BUFFER_SIZE];
		Throwable failure = null;
		try {
			while (true) {
				int read = this.in.read(buffer);
				if (read < 0) {
					break;
				}
				// the EVENTs this read makes for WAMP sessions go out at its end, from here;
				// a fan-out wider than the limit is left to the flusher, beside the next read
				try (WriteBatch batch = WriteBatch.open(INLINE_WRITES)) {
					this.reader.read(buffer, 0, read);
				}
			}
		}
		catch (Throwable ex) {
			failure = ex;
			if (ex instanceof VirtualMachineError error) {
				ended(null);
				throw error;
			}
		}
		IOException writeFailure = this.writeFailure;
		ended((writeFailure != null) ? writeFailure : (this.closing.socketClosed() ? null : failure));
	}

	@Override
	public void message(boolean text, byte[] buffer, int start, int length) {
		if (this.closing.started()) {
			return;
		}
		deliver(WebSocketMessages.received(text, buffer, start, length));
	}

	@Override
	public void ping(byte[] payload) {
		if (!this.closing.started()) {
			this.writer.pong(MaskedFrame.encode((byte) 0x8A, payload));
		}
	}

	@Override
	public void pong(byte[] payload) {
		deliver(new PongMessage(ByteBuffer.wrap(payload)));
	}

	@Override
	public void close(int code, String reason) {
		this.closing.received(code, reason);
	}

	@Override
	public void failed(CloseStatus status) {
		// counted; logged at INFO at most once per interval, whatever servers send
		failureLog.log(logger,
				() -> "WebSocket connection to " + this.uri + ": " + status.getReason() + ", closing with "
						+ status.getCode());
		this.closing.failing();
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

	// ---------------------------------------------------------------- writing

	/**
	 * Queue a frame within the limits ({@link ClientSender}).
	 * @return {@code false} if it was not queued: the connection is closing, or was just
	 * cut off for being too slow
	 */
	boolean send(byte[] frame) {
		return this.sender.send(frame);
	}

	long framesSent() {
		return this.writer.framesSent();
	}

	@Override
	public void closeWritten() {
		this.closing.written();
	}

	@Override
	public void writeFailed(IOException ex) {
		this.writeFailure = ex;
		this.closing.closeSocket();
	}

	// ---------------------------------------------------------------- closing

	/**
	 * Start the closing handshake: the close frame goes out after what is queued (instead
	 * of it, for 1013), then the socket is closed when the server answers, or after the
	 * send-time limit.
	 * @return whether this call started it
	 */
	boolean close(CloseStatus status) {
		return this.closing.start(status);
	}

	/**
	 * The connection is over (on the reading thread, once): tell the handler.
	 */
	private void ended(@Nullable Throwable failure) {
		if (!this.closing.end()) {
			return;
		}
		this.closing.closeSocket();
		this.writer.stop();
		this.reader.release();
		ScheduledFuture<?> watch = this.watch;
		if (watch != null) {
			watch.cancel(false);
		}
		CloseStatus reported = this.closing.reported();
		ClientSession session = session();
		WebSocketHandler handler = handler();
		if (failure != null) {
			try {
				handler.handleTransportError(session, failure);
			}
			catch (Throwable ex) {
				logger.debug("WebSocket handler failed on a transport error", ex);
			}
		}
		try {
			handler.afterConnectionClosed(session, reported);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed on the close of session " + session.getId(), ex);
		}
	}

	boolean isOpen() {
		return this.closing.isOpen();
	}

	@Nullable InetSocketAddress localAddress() {
		return (InetSocketAddress) this.tcp.getLocalSocketAddress();
	}

	@Nullable InetSocketAddress remoteAddress() {
		return (InetSocketAddress) this.tcp.getRemoteSocketAddress();
	}

	int maxMessageBytes() {
		return this.settings.maxMessageBytes();
	}

	private ClientSession session() {
		ClientSession session = this.session;
		if (session == null) {
			throw new IllegalStateException("Connection not started");
		}
		return session;
	}

	private WebSocketHandler handler() {
		WebSocketHandler handler = this.handler;
		if (handler == null) {
			throw new IllegalStateException("Connection not started");
		}
		return handler;
	}

}
