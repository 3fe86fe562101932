package io.pubsubclub.cluster.transport;

import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pubsubclub.cluster.PeerLink;
import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.FrameSenderSource;
import io.pubsubclub.support.OutboundBuffer;

import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.PongMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;

/**
 * Bridges WebSocket sessions to {@link PeerLink}s, on the server and on the client side.
 * <p>
 * Takes text messages in parts, so that a container that delivers them in parts keeps its
 * default (small) text buffer per link instead of one of the maximum frame size; a frame
 * that comes in several parts is assembled here, and the size limit, in characters, is
 * enforced here.
 * <p>
 * Writes through the session's own sender when the session has one (a
 * {@link FrameSenderSource}: accepted links, on the starter's transport, which assembles
 * whole messages up to three bytes per character of the limit), otherwise through an
 * {@link OutboundBuffer} (a session of Tomcat's JSR-356 endpoint). Both of the starter's
 * transports are {@code FrameSenderSource}s: the server's for accepted links, the client's
 * ({@code ClientConnection}) for dialled ones.
 *
 * @author PubSubClub
 */
final class LinkHandler extends AbstractWebSocketHandler {

	private static final Log logger = LogFactory.getLog(LinkHandler.class);

	private static final String LINK = PeerLink.class.getName();

	private static final String BUFFER = FrameSender.class.getName();

	private static final String BINARY = LinkHandler.class.getName() + ".binary";

	private static final String PARTS = LinkHandler.class.getName() + ".parts";

	// set once the handler has closed the link as too big, so that the close is not
	// counted a second time when the container reports it
	private static final String TOO_BIG = LinkHandler.class.getName() + ".tooBig";

	private final LinkSettings settings;

	private final Closer closer;

	private final Hooks hooks;

	private final @Nullable Executor sendExecutor;

	private final boolean writeWhenIdle;

	/**
	 * Create a handler.
	 * @param settings the link settings
	 * @param closer where sessions are closed, off the caller's thread
	 * @param hooks what differs between accepted and dialled sessions
	 * @param sendExecutor where queued frames are written in batches
	 * @param writeWhenIdle whether a frame is written at once on the sender's thread when
	 * nothing is in flight: only where the container's asynchronous send does not block
	 */
	LinkHandler(LinkSettings settings, Closer closer, Hooks hooks, @Nullable Executor sendExecutor,
			boolean writeWhenIdle) {
		this.settings = settings;
		this.closer = closer;
		this.hooks = hooks;
		this.sendExecutor = sendExecutor;
		this.writeWhenIdle = writeWhenIdle;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		PeerLink link = this.hooks.create(session);
		BiConsumer<WebSocketSession, OutboundBuffer.Overflow> onOverflow = (closed, overflow) -> link
			.slowPeer(overflow.name().toLowerCase(Locale.ROOT));
		long limit = this.settings.sendBufferSize();
		FrameSender sender;
		SessionChannel channel;
		if (session instanceof FrameSenderSource source) {
			// the starter's own transport (accepted links): it queues within the limits it
			// was given, writes what a reading thread sends at the end of that read, and
			// hands nothing to another thread
			sender = source.frameSender(onOverflow);
			channel = new SessionChannel(session, new SentFrames(sender), this.closer, limit);
		}
		else {
			OutboundBuffer buffer = new OutboundBuffer(session, limit, this.settings.sendTimeLimit().toMillis(),
					this.closer, onOverflow, this.sendExecutor, this.writeWhenIdle);
			sender = buffer;
			channel = new SessionChannel(session, buffer, this.closer, limit);
		}
		session.getAttributes().put(LINK, link);
		session.getAttributes().put(BUFFER, sender);
		link.opened(channel);
		this.hooks.opened(session, link);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		PeerLink link = link(session);
		if (link == null || session.getAttributes().containsKey(TOO_BIG)) {
			return;
		}
		StringBuilder parts = (StringBuilder) session.getAttributes().get(PARTS);
		if (parts == null && message.isLast()) {
			// the common case, a whole frame: no copy. The limit is in characters
			// (getPayloadLength() would count bytes, encoding the text again to do so)
			String payload = message.getPayload();
			if (payload.length() > this.settings.maxMessageSize()) {
				tooBig(session, link);
				return;
			}
			link.received(payload);
			return;
		}
		String payload = message.getPayload();
		if (((parts != null) ? parts.length() : 0) + payload.length() > this.settings.maxMessageSize()) {
			session.getAttributes().remove(PARTS);
			tooBig(session, link);
			return;
		}
		if (parts == null) {
			parts = new StringBuilder(Math.min(this.settings.maxMessageSize(), 2 * payload.length()));
			session.getAttributes().put(PARTS, parts);
		}
		parts.append(payload);
		if (message.isLast()) {
			session.getAttributes().remove(PARTS);
			link.received(parts.toString());
		}
	}

	private void tooBig(WebSocketSession session, PeerLink link) {
		session.getAttributes().put(TOO_BIG, Boolean.TRUE);
		link.protocolError(PeerLink.TOO_BIG, "frame over the size limit of " + this.settings.maxMessageSize());
	}

	@Override
	protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
		PeerLink link = link(session);
		// a binary message may come in parts: the first one closes the link
		if (link != null && session.getAttributes().putIfAbsent(BINARY, Boolean.TRUE) == null) {
			link.protocolError(PeerLink.PROTOCOL_ERROR, "binary frame");
		}
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	protected void handlePongMessage(WebSocketSession session, PongMessage message) {
		this.hooks.pong(session);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		PeerLink link = link(session);
		if (link != null) {
			link.transportError(String.valueOf(exception.getMessage()));
			if (logger.isDebugEnabled()) {
				logger.debug("Transport error on link " + link, exception);
			}
		}
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		PeerLink link = link(session);
		Object buffer = session.getAttributes().get(BUFFER);
		if (buffer instanceof FrameSender sender) {
			sender.close();
		}
		if (link == null) {
			return;
		}
		if (status.getCode() == CloseStatus.TOO_BIG_TO_PROCESS.getCode()
				&& !session.getAttributes().containsKey(TOO_BIG)) {
			link.protocolError(PeerLink.TOO_BIG, "frame over the size limit");
		}
		link.closed(status.getCode(), status.getReason());
		this.hooks.closed(session, link, status);
	}

	private static @Nullable PeerLink link(WebSocketSession session) {
		return (PeerLink) session.getAttributes().get(LINK);
	}

	/**
	 * What differs between accepted and dialled sessions.
	 */
	interface Hooks {

		PeerLink create(WebSocketSession session);

		default void opened(WebSocketSession session, PeerLink link) {
		}

		default void pong(WebSocketSession session) {
		}

		default void closed(WebSocketSession session, PeerLink link, CloseStatus status) {
		}

	}

}
