package io.pubsubclub.wamp.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * One WebSocket connection upgraded from Tomcat's HTTP connector: reads client frames
 * straight from the socket wrapper, hands whole messages to the Spring
 * {@link WebSocketHandler}, and writes queued frames without blocking, in batches. It
 * holds no buffer of its own while idle: frames are read into a buffer of the reading
 * thread, and only a frame cut off at the end of a read is kept, in an array of its size.
 * <p>
 * Tomcat creates it through {@code HttpServletRequest#upgrade}, so it is public with a
 * public constructor; {@link TomcatUpgradeStrategy} sets it up before Tomcat starts it.
 *
 * @author PubSubClub
 */
public final class TomcatConnection implements InternalHttpUpgradeHandler {

	private static final Log logger = LogFactory.getLog(TomcatConnection.class);

	private static final int READ_BUFFER_SIZE = 16 * 1024;

	private static final ThreadLocal<byte[]> readBuffer = ThreadLocal.withInitial(() -> new byte[READ_BUFFER_SIZE]);

	private static final ThreadLocal<CharsetDecoder> decoder = ThreadLocal
		.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT));

	private static final int OPCODE_CONTINUATION = 0;

	private static final int OPCODE_TEXT = 1;

	private static final int OPCODE_BINARY = 2;

	private static final int OPCODE_CLOSE = 8;

	private static final int OPCODE_PING = 9;

	private static final int OPCODE_PONG = 10;

	private @Nullable ConnectionSession session;

	private @Nullable WebSocketHandler handler;

	private @Nullable TransportSettings settings;

	private @Nullable SocketWrapperBase<?> socket;

	// read side: the container's thread for this connection only, one read at a time

	private byte @Nullable [] partial;

	private int partialLength;

	private int messageOpcode;

	private byte @Nullable [] message;

	private int messageLength;

	// write side

	private final Queue<byte[]> queue = new ConcurrentLinkedQueue<>();

	private final AtomicLong queuedBytes = new AtomicLong();

	// requests to drain the queue; whoever raises it from zero drains, the others only ask
	private final AtomicInteger drainRequests = new AtomicInteger();

	private volatile long stalledSince;

	private final AtomicLong framesSent = new AtomicLong();

	// closing: our close frame queued; then the peer's seen; then the socket closed
	private final AtomicBoolean closeSent = new AtomicBoolean();

	private volatile boolean closeReceived;

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile @Nullable CloseStatus closeStatus;

	private volatile boolean dropQueued;

	// write interest registered: nothing is written until Tomcat's write-ready event
	private volatile boolean awaitingWritable;

	private volatile boolean readSuspended;

	// the peer broke the protocol: no answer to our close frame is waited for
	private volatile boolean failing;

	// the close frame goes after the queued frames (or instead of them, for a slow peer)
	private volatile byte @Nullable [] closeFrame;

	// only the thread that drains touches it
	private boolean closeWritten;

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
	}

	@Override
	public void setSocketWrapper(SocketWrapperBase<?> socketWrapper) {
		this.socket = socketWrapper;
	}

	@Override
	public void init(WebConnection connection) {
		ConnectionSession session = session();
		session.connected(this);
		try {
			handler().afterConnectionEstablished(session);
		}
		catch (Throwable ex) {
			logger.error("WebSocket handler failed to open session " + session.getId(), ex);
			close(CloseStatus.SERVER_ERROR);
		}
		// a frame sent from afterConnectionEstablished may be waiting for this
		drain();
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
				this.awaitingWritable = false;
				drain();
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
		WriteBatch batch = WriteBatch.open();
		try {
			while (!this.closed.get()) {
				if (this.readSuspended) {
					return SocketState.SUSPENDED;
				}
				int read;
				byte[] partial = this.partial;
				if (partial == null) {
					byte[] buffer = readBuffer.get();
					read = socket.read(false, buffer, 0, buffer.length);
					if (read > 0) {
						int used = frames(buffer, 0, read);
						keep(buffer, used, read);
					}
				}
				else {
					read = socket.read(false, partial, this.partialLength, partial.length - this.partialLength);
					if (read > 0) {
						this.partialLength += read;
						int used = frames(partial, 0, this.partialLength);
						keep(partial, used, this.partialLength);
					}
				}
				if (read < 0) {
					closed(CloseStatus.NO_CLOSE_FRAME, null);
					return SocketState.CLOSED;
				}
				if (read == 0) {
					break;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			transportError(ex);
			closed(CloseStatus.NO_CLOSE_FRAME, ex);
			return SocketState.CLOSED;
		}
		finally {
			batch.close();
		}
		return this.closed.get() ? SocketState.CLOSED : SocketState.UPGRADED;
	}

	/**
	 * Keep the unread end of the buffer, a frame cut off by the end of the read, in an
	 * array just large enough for the rest of that frame (or its header).
	 */
	private void keep(byte[] buffer, int used, int end) {
		int left = end - used;
		if (left == 0) {
			this.partial = null;
			this.partialLength = 0;
			return;
		}
		// more than is left, since the frame is not whole: there is room to read into
		int needed = frameLength(buffer, used, left);
		if (buffer == this.partial && used == 0 && buffer.length >= needed) {
			return;
		}
		byte[] kept = new byte[needed];
		System.arraycopy(buffer, used, kept, 0, left);
		this.partial = kept;
		this.partialLength = left;
	}

	/**
	 * Return the whole length of the frame starting at {@code start}, or a length that
	 * holds its longest header when too little of it is there to tell.
	 */
	private static int frameLength(byte[] buffer, int start, int available) {
		if (available < 2) {
			return 14;
		}
		int length7 = buffer[start + 1] & 0x7F;
		int header = 2 + ((length7 == 126) ? 2 : (length7 == 127) ? 8 : 0) + 4;
		if (available < header - 4) {
			return 14;
		}
		long payload = payloadLength(buffer, start, length7);
		return (int) Math.min(header + payload, Integer.MAX_VALUE - 16);
	}

	private static long payloadLength(byte[] buffer, int start, int length7) {
		if (length7 < 126) {
			return length7;
		}
		if (length7 == 126) {
			return ((buffer[start + 2] & 0xFF) << 8) | (buffer[start + 3] & 0xFF);
		}
		long length = 0;
		for (int i = 0; i < 8; i++) {
			length = (length << 8) | (buffer[start + 2 + i] & 0xFF);
		}
		return length;
	}

	/**
	 * Handle every whole frame in the buffer.
	 * @return the offset of the first byte not used
	 */
	private int frames(byte[] buffer, int start, int end) throws IOException {
		int position = start;
		while (position < end && !this.closed.get()) {
			int available = end - position;
			if (available < 2) {
				break;
			}
			int first = buffer[position] & 0xFF;
			int second = buffer[position + 1] & 0xFF;
			int length7 = second & 0x7F;
			int header = 2 + ((length7 == 126) ? 2 : (length7 == 127) ? 8 : 0) + 4;
			if (available < header) {
				break;
			}
			boolean fin = (first & 0x80) != 0;
			int opcode = first & 0x0F;
			long payload = payloadLength(buffer, position, length7);
			String error = check(first, second, fin, opcode, payload);
			if (error != null) {
				protocolError(error);
				return end;
			}
			if (opcode < OPCODE_CLOSE && this.messageLength + payload > settings().maxMessageBytes()) {
				fail(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
				return end;
			}
			if (available < header + payload) {
				break;
			}
			int length = (int) payload;
			int payloadStart = position + header;
			unmask(buffer, payloadStart, length, position + header - 4);
			frame(fin, opcode, buffer, payloadStart, length);
			position = payloadStart + length;
		}
		return position;
	}

	private @Nullable String check(int first, int second, boolean fin, int opcode, long payload) {
		if ((first & 0x70) != 0) {
			return "reserved bits set, no extension was negotiated";
		}
		if ((second & 0x80) == 0) {
			return "client frame not masked";
		}
		if (payload < 0) {
			return "frame length out of range";
		}
		if (opcode >= OPCODE_CLOSE) {
			if (opcode > OPCODE_PONG) {
				return "unknown opcode " + opcode;
			}
			if (!fin || payload > 125) {
				return "control frame fragmented or longer than 125 bytes";
			}
			return null;
		}
		if (opcode > OPCODE_BINARY) {
			return "unknown opcode " + opcode;
		}
		if (opcode == OPCODE_CONTINUATION && this.messageOpcode == 0) {
			return "continuation frame without a message";
		}
		if (opcode != OPCODE_CONTINUATION && this.messageOpcode != 0) {
			return "new message before the last one ended";
		}
		return null;
	}

	private static void unmask(byte[] buffer, int start, int length, int maskAt) {
		int mask = ((buffer[maskAt] & 0xFF) << 24) | ((buffer[maskAt + 1] & 0xFF) << 16)
				| ((buffer[maskAt + 2] & 0xFF) << 8) | (buffer[maskAt + 3] & 0xFF);
		int i = 0;
		for (; i + 4 <= length; i += 4) {
			int at = start + i;
			buffer[at] ^= (byte) (mask >>> 24);
			buffer[at + 1] ^= (byte) (mask >>> 16);
			buffer[at + 2] ^= (byte) (mask >>> 8);
			buffer[at + 3] ^= (byte) mask;
		}
		for (; i < length; i++) {
			buffer[start + i] ^= (byte) (mask >>> (24 - 8 * (i & 3)));
		}
	}

	private void frame(boolean fin, int opcode, byte[] buffer, int start, int length) throws IOException {
		switch (opcode) {
			case OPCODE_CLOSE -> closeFrame(buffer, start, length);
			case OPCODE_PING -> {
				if (!this.closeSent.get()
						&& enqueue(TextFrame.encode((byte) (0x80 | OPCODE_PONG),
								Arrays.copyOfRange(buffer, start, start + length)), true)
						&& !WriteBatch.defer(this)) {
					drain();
				}
			}
			case OPCODE_PONG -> deliver(new PongMessage(ByteBuffer.wrap(Arrays.copyOfRange(buffer, start, start + length))));
			default -> data(fin, opcode, buffer, start, length);
		}
	}

	private void data(boolean fin, int opcode, byte[] buffer, int start, int length) throws IOException {
		if (this.closeSent.get()) {
			return;
		}
		if (fin && opcode != OPCODE_CONTINUATION) {
			message(opcode, buffer, start, length);
			return;
		}
		if (opcode != OPCODE_CONTINUATION) {
			this.messageOpcode = opcode;
		}
		byte[] message = this.message;
		int needed = this.messageLength + length;
		if (message == null || message.length < needed) {
			int size = Math.max(needed, (message != null) ? Math.min(message.length * 2, settings().maxMessageBytes()) : 0);
			message = (message != null) ? Arrays.copyOf(message, size) : new byte[size];
			this.message = message;
		}
		System.arraycopy(buffer, start, message, this.messageLength, length);
		this.messageLength = needed;
		if (fin) {
			int whole = this.messageOpcode;
			this.message = null;
			this.messageLength = 0;
			this.messageOpcode = 0;
			message(whole, message, 0, needed);
		}
	}

	private void message(int opcode, byte[] buffer, int start, int length) {
		if (opcode == OPCODE_BINARY) {
			deliver(new BinaryMessage(Arrays.copyOfRange(buffer, start, start + length)));
			return;
		}
		String text = decode(buffer, start, length);
		if (text == null) {
			fail(CloseStatus.BAD_DATA.withReason("text message is not valid UTF-8"));
			return;
		}
		deliver(new TextMessage(text));
	}

	private static @Nullable String decode(byte[] buffer, int start, int length) {
		boolean ascii = true;
		for (int i = start, end = start + length; i < end; i++) {
			if (buffer[i] < 0) {
				ascii = false;
				break;
			}
		}
		if (ascii) {
			return new String(buffer, start, length, StandardCharsets.ISO_8859_1);
		}
		try {
			CharBuffer chars = decoder.get().reset().decode(ByteBuffer.wrap(buffer, start, length));
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

	private void closeFrame(byte[] buffer, int start, int length) {
		this.closeReceived = true;
		CloseStatus status;
		if (length == 0) {
			status = CloseStatus.NO_STATUS_CODE;
		}
		else if (length == 1) {
			protocolError("close frame with a one-byte payload");
			return;
		}
		else {
			int code = ((buffer[start] & 0xFF) << 8) | (buffer[start + 1] & 0xFF);
			String reason = decode(buffer, start + 2, length - 2);
			if (!validCloseCode(code)) {
				protocolError("close code " + code + " is not allowed");
				return;
			}
			if (reason == null) {
				fail(CloseStatus.BAD_DATA.withReason("close reason is not valid UTF-8"));
				return;
			}
			status = new CloseStatus(code, reason);
		}
		if (this.closeSent.compareAndSet(false, true)) {
			// the peer began the closing handshake: answer it, then the socket goes
			sendClose(status, (status == CloseStatus.NO_STATUS_CODE) ? new byte[0]
					: new byte[] { (byte) (status.getCode() >>> 8), (byte) status.getCode() });
		}
		else {
			drain();
		}
	}

	private static boolean validCloseCode(int code) {
		return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
	}

	private void protocolError(String why) {
		if (logger.isDebugEnabled()) {
			logger.debug("WebSocket session " + session().getId() + ": " + why + ", closing with 1002");
		}
		fail(CloseStatus.PROTOCOL_ERROR.withReason(why));
	}

	/**
	 * Fail the connection (RFC 6455 7.1.7) for what the peer sent: the close frame goes out
	 * and the socket is closed without waiting for an answer, since the peer's state is
	 * unknown.
	 */
	private void fail(CloseStatus status) {
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
	 * Queue a frame.
	 * @param frame the frame's bytes on the wire
	 * @param control whether it is a control frame, queued whatever the limits
	 * @return {@code false} if it was not queued
	 */
	boolean enqueue(byte[] frame, boolean control) {
		if (this.closed.get() || (!control && this.closeSent.get())) {
			return false;
		}
		this.queue.add(frame);
		this.queuedBytes.addAndGet(frame.length);
		return true;
	}

	/**
	 * Queue a data frame within the limits and write it, now or at the end of the
	 * current write batch.
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
		if (this.queuedBytes.get() + frame.length > settings.sendBufferSize()) {
			overflow(OutboundBuffer.Overflow.BUFFER);
			return false;
		}
		if (!enqueue(frame, false)) {
			return false;
		}
		if (!WriteBatch.defer(this)) {
			drain();
		}
		return true;
	}

	/**
	 * Write what is queued, unless another thread is writing: then that thread goes on
	 * with it. Never blocks: what the socket does not take now waits for Tomcat's
	 * write-ready event.
	 */
	void drain() {
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
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null || this.closed.get() || this.awaitingWritable) {
			return;
		}
		try {
			if (this.dropQueued) {
				dropQueued();
			}
			while (true) {
				// what Tomcat holds goes first; frames written since fill its buffer, so that
				// frames queued together leave in as few writes as the buffer allows
				if (socket.hasDataToWrite() && socket.flush(false)) {
					awaitWritable(socket);
					return;
				}
				byte[] frame = nextFrame();
				if (frame == null) {
					break;
				}
				while (frame != null && socket.canWrite()) {
					socket.write(false, frame, 0, frame.length);
					written(frame);
					frame = nextFrame();
				}
			}
			this.stalledSince = 0;
			if (this.closeWritten) {
				closeSentAndFlushed();
			}
		}
		catch (IOException | RuntimeException ex) {
			transportError(ex);
			closed(CloseStatus.NO_CLOSE_FRAME, ex);
		}
	}

	/**
	 * Return the next frame to write, the close frame once the queue is empty (or at once
	 * when the queue was dropped), or {@code null} when nothing is left.
	 */
	private byte @Nullable [] nextFrame() {
		if (this.dropQueued) {
			dropQueued();
		}
		byte[] frame = this.queue.peek();
		if (frame != null) {
			return frame;
		}
		return (this.closeWritten) ? null : this.closeFrame;
	}

	private void written(byte[] frame) {
		if (frame == this.closeFrame) {
			this.closeWritten = true;
			return;
		}
		this.queue.poll();
		this.queuedBytes.addAndGet(-frame.length);
		this.framesSent.incrementAndGet();
	}

	/**
	 * The socket takes no more for now: Tomcat calls back (write-ready event) when it
	 * does. Asked once per wait, as Tomcat requires.
	 */
	private void awaitWritable(SocketWrapperBase<?> socket) {
		this.awaitingWritable = true;
		socket.registerWriteInterest();
		stalled();
	}

	private void stalled() {
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

	private void dropQueued() {
		this.dropQueued = false;
		byte[] frame;
		while ((frame = this.queue.poll()) != null) {
			this.queuedBytes.addAndGet(-frame.length);
		}
	}

	void suspendReading() {
		this.readSuspended = true;
	}

	void resumeReading() {
		this.readSuspended = false;
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null && !this.closed.get()) {
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
		return this.framesSent.get();
	}

	// ---------------------------------------------------------------- closing

	/**
	 * Start the closing handshake: the close frame goes out after what is queued, then the
	 * socket is closed when the peer answers, or after the close timeout.
	 */
	void close(CloseStatus status) {
		if (!this.closeSent.compareAndSet(false, true)) {
			return;
		}
		this.closeStatus = status;
		if (status.getCode() == OutboundBuffer.SLOW_CONSUMER.getCode()) {
			// a peer that does not read gets no more of what it could not take
			this.dropQueued = true;
		}
		byte[] reason = (status.getReason() != null) ? status.getReason().getBytes(StandardCharsets.UTF_8)
				: new byte[0];
		byte[] payload = new byte[2 + Math.min(reason.length, 123)];
		payload[0] = (byte) (status.getCode() >>> 8);
		payload[1] = (byte) status.getCode();
		System.arraycopy(reason, 0, payload, 2, payload.length - 2);
		sendClose(status, payload);
	}

	private void sendClose(CloseStatus status, byte[] payload) {
		this.closeStatus = status;
		this.closeFrame = TextFrame.encode((byte) (0x80 | OPCODE_CLOSE), payload);
		// a peer that never answers, or never reads, is not waited for longer
		settings().scheduler()
			.schedule(() -> closed(status, null), settings().closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
		drain();
	}

	private void overflow(OutboundBuffer.Overflow reason) {
		if (this.closeSent.get() || this.closed.get()) {
			return;
		}
		session().overflow(reason);
		close(OutboundBuffer.SLOW_CONSUMER);
	}

	private void closeSentAndFlushed() {
		if (this.closeReceived || this.failing) {
			CloseStatus status = this.closeStatus;
			closed((status != null) ? status : CloseStatus.NORMAL, null);
		}
	}

	/**
	 * The connection is over: close the socket, tell the handler once.
	 */
	private void closed(CloseStatus status, @Nullable Throwable cause) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		CloseStatus handshake = this.closeStatus;
		CloseStatus reported = (handshake != null) ? handshake : status;
		SocketWrapperBase<?> socket = this.socket;
		if (socket != null) {
			socket.close();
		}
		dropQueued();
		this.partial = null;
		this.message = null;
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

	private SocketWrapperBase<?> socket() {
		SocketWrapperBase<?> socket = this.socket;
		if (socket == null) {
			throw new IllegalStateException("Connection has no socket");
		}
		return socket;
	}

}
