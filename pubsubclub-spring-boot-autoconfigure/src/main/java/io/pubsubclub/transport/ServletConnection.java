package io.pubsubclub.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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
 * EXPERIMENTAL, for a measurement only (issue 23): the transport on the public Servlet
 * upgrade API ({@link HttpUpgradeHandler}, {@link WebConnection} with
 * {@link ReadListener}/{@link WriteListener}) instead of Tomcat's internal one. Chosen by
 * the system property {@value #PROPERTY}; it reads with the same {@link FrameReader}, writes
 * a queue within the send-buffer size through {@link ServletOutputStream#isReady()}, and
 * batches the writes of one read as {@link WriteBatch} does. It has the minimum needed to
 * run the fan-out benchmark: no idle timeout, no stall watch, no close grace.
 *
 * @author PubSubClub
 */
public final class ServletConnection implements HttpUpgradeHandler, FrameReader.Listener,
		ConnectionSession.SessionConnection {

	/** The system property that selects this transport: {@code true} for the measurement. */
	public static final String PROPERTY = "pubsubclub.transport.servlet-api";

	private static final Log logger = LogFactory.getLog(ServletConnection.class);

	private static final ThreadLocal<byte[]> readBuffer = ThreadLocal
		.withInitial(() -> new byte[ConnectionReader.READ_BUFFER_SIZE]);

	private static final ThreadLocal<List<ServletConnection>> batch = new ThreadLocal<>();

	private @Nullable ConnectionSession session;

	private @Nullable WebSocketHandler handler;

	private @Nullable TransportSettings settings;

	private @Nullable FrameReader reader;

	private @Nullable WebConnection connection;

	private @Nullable ServletInputStream in;

	private @Nullable ServletOutputStream out;

	private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	private final AtomicInteger drainRequests = new AtomicInteger();

	private final AtomicLong framesSent = new AtomicLong();

	private final AtomicBoolean closeQueued = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean batched = new AtomicBoolean();

	private volatile @Nullable CloseStatus closeStatus;

	/**
	 * The container's instance; set up by {@link TomcatUpgradeStrategy}.
	 */
	public ServletConnection() {
	}

	static boolean selected() {
		return Boolean.getBoolean(PROPERTY);
	}

	void setUp(ConnectionSession session, WebSocketHandler handler, TransportSettings settings) {
		this.session = session;
		this.handler = handler;
		this.settings = settings;
		this.reader = new FrameReader(settings.maxMessageBytes(), this);
	}

	@Override
	public void init(WebConnection connection) {
		this.connection = connection;
		try {
			this.in = connection.getInputStream();
			this.out = connection.getOutputStream();
		}
		catch (IOException ex) {
			closed(CloseStatus.NO_CLOSE_FRAME);
			return;
		}
		this.out.setWriteListener(new WriteListener() {

			@Override
			public void onWritePossible() {
				drain();
			}

			@Override
			public void onError(Throwable ex) {
				closed(CloseStatus.NO_CLOSE_FRAME);
			}

		});
		ConnectionSession session = this.session;
		session.connected(this);
		try {
			this.handler.afterConnectionEstablished(session);
		}
		catch (Throwable ex) {
			closeWith(CloseStatus.SERVER_ERROR);
		}
		this.in.setReadListener(new ReadListener() {

			@Override
			public void onDataAvailable() {
				read();
			}

			@Override
			public void onAllDataRead() {
				closed(CloseStatus.NO_CLOSE_FRAME);
			}

			@Override
			public void onError(Throwable ex) {
				closed(CloseStatus.NO_CLOSE_FRAME);
			}

		});
	}

	private void read() {
		ServletInputStream in = this.in;
		List<ServletConnection> opened = batch.get();
		List<ServletConnection> connections = (opened != null) ? opened : new ArrayList<>();
		if (opened == null) {
			batch.set(connections);
		}
		try {
			byte[] buffer = readBuffer.get();
			int batchedBytes = 0;
			while (!this.closed.get() && in.isReady()) {
				int read = in.read(buffer);
				if (read < 0) {
					closed(CloseStatus.NO_CLOSE_FRAME);
					return;
				}
				this.reader.read(buffer, 0, read);
				batchedBytes += read;
				if (opened == null && batchedBytes >= TomcatConnection.MAX_BATCHED_BYTES) {
					drainBatch(connections);
					batchedBytes = 0;
				}
			}
		}
		catch (Throwable ex) {
			logger.debug("Read failed", ex);
			closed(CloseStatus.NO_CLOSE_FRAME);
		}
		finally {
			if (opened == null) {
				batch.remove();
				drainBatch(connections);
			}
		}
	}

	private static void drainBatch(List<ServletConnection> connections) {
		for (int i = 0; i < connections.size(); i++) {
			ServletConnection connection = connections.get(i);
			connection.batched.set(false);
			connection.drain();
		}
		connections.clear();
	}

	@Override
	public void destroy() {
		closed(CloseStatus.NO_CLOSE_FRAME);
	}

	// ---------------------------------------------------------------- frames read

	@Override
	public void message(boolean text, byte[] buffer, int start, int length) {
		if (this.closeQueued.get()) {
			return;
		}
		deliver(text ? new TextMessage(new String(buffer, start, length, StandardCharsets.UTF_8))
				: new BinaryMessage(Arrays.copyOfRange(buffer, start, start + length)));
	}

	@Override
	public void ping(byte[] payload) {
		enqueue(TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_PONG), payload), false);
		drainLater();
	}

	@Override
	public void pong(byte[] payload) {
		deliver(new PongMessage(ByteBuffer.wrap(payload)));
	}

	@Override
	public void close(int code, String reason) {
		if (!this.closeQueued.get()) {
			closeWith(new CloseStatus(code));
		}
	}

	@Override
	public void failed(CloseStatus status) {
		closeWith(status);
	}

	private void deliver(WebSocketMessage<?> message) {
		try {
			this.handler.handleMessage(this.session, message);
		}
		catch (Throwable ex) {
			closeWith(CloseStatus.SERVER_ERROR);
		}
	}

	// ---------------------------------------------------------------- sending

	@Override
	public boolean send(byte[] frame) {
		if (this.queuedBytes.get() + frame.length > this.settings.sendBufferSize()) {
			if (closeWith(OutboundBuffer.SLOW_CONSUMER)) {
				this.session.overflow(OutboundBuffer.Overflow.BUFFER);
			}
			return false;
		}
		if (!enqueue(frame, false)) {
			return false;
		}
		drainLater();
		return true;
	}

	private synchronized boolean enqueue(byte[] frame, boolean close) {
		if (this.closed.get() || this.closeQueued.get()) {
			return false;
		}
		if (close) {
			this.closeQueued.set(true);
		}
		this.queue.add(frame);
		this.queuedBytes.addAndGet(frame.length);
		return true;
	}

	private void drainLater() {
		List<ServletConnection> connections = batch.get();
		if (connections == null) {
			drain();
		}
		else if (this.batched.compareAndSet(false, true)) {
			connections.add(this);
		}
	}

	/**
	 * Write what is queued while the stream is ready; one thread at a time. What is left
	 * waits for {@code onWritePossible}, which {@code isReady()} returning false arranged.
	 */
	private void drain() {
		if (this.drainRequests.getAndIncrement() != 0) {
			return;
		}
		int requests = 1;
		do {
			write();
			requests = this.drainRequests.addAndGet(-requests);
		}
		while (requests != 0);
	}

	private void write() {
		ServletOutputStream out = this.out;
		if (out == null || this.closed.get()) {
			return;
		}
		try {
			boolean wrote = false;
			byte[] frame;
			while ((frame = this.queue.peek()) != null) {
				if (!out.isReady()) {
					return;
				}
				out.write(frame);
				wrote = true;
				this.queue.poll();
				this.queuedBytes.addAndGet(-frame.length);
				if (frame[0] == (byte) (0x80 | FrameReader.OPCODE_CLOSE)) {
					if (out.isReady()) {
						out.flush();
					}
					closed(this.closeStatus);
					return;
				}
				this.framesSent.incrementAndGet();
			}
			if (wrote && out.isReady()) {
				out.flush();
			}
		}
		catch (Throwable ex) {
			logger.debug("Write failed", ex);
			closed(CloseStatus.NO_CLOSE_FRAME);
		}
	}

	// ---------------------------------------------------------------- lifecycle

	@Override
	public void close(CloseStatus status) {
		closeWith(status);
	}

	private boolean closeWith(CloseStatus status) {
		byte[] reason = (status.getReason() != null) ? status.getReason().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		byte[] payload = new byte[2 + Math.min(reason.length, 123)];
		payload[0] = (byte) (status.getCode() >>> 8);
		payload[1] = (byte) status.getCode();
		System.arraycopy(reason, 0, payload, 2, payload.length - 2);
		this.closeStatus = status;
		if (!enqueue(TextFrame.encode((byte) (0x80 | FrameReader.OPCODE_CLOSE), payload), true)) {
			return false;
		}
		this.settings.scheduler()
			.schedule(() -> closed(status), this.settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		drainLater();
		return true;
	}

	private void closed(@Nullable CloseStatus status) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		WebConnection connection = this.connection;
		try {
			if (connection != null) {
				connection.close();
			}
		}
		catch (Exception ex) {
			// closed anyway
		}
		this.queue.clear();
		this.queuedBytes.set(0);
		FrameReader reader = this.reader;
		if (reader != null) {
			reader.release();
		}
		try {
			this.handler.afterConnectionClosed(this.session, (status != null) ? status : CloseStatus.NO_CLOSE_FRAME);
		}
		catch (Throwable ex) {
			// the handler's failure is its own
		}
	}

	@Override
	public long framesSent() {
		return this.framesSent.get();
	}

	@Override
	public void suspendReading() {
	}

	@Override
	public void resumeReading() {
	}

	@Override
	public boolean isOpen() {
		return !this.closed.get() && !this.closeQueued.get();
	}

	@Override
	public @Nullable InetSocketAddress localAddress() {
		return null;
	}

	@Override
	public @Nullable InetSocketAddress remoteAddress() {
		return null;
	}

	@Override
	public int maxMessageBytes() {
		return this.settings.maxMessageBytes();
	}

}
