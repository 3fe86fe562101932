package io.pubsubclub.wamp;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.TextFrame;
import org.springframework.web.socket.WebSocketSession;

/**
 * The server's side of one WAMP session: its WebSocket, outbound buffer, prefixes and
 * subscriptions.
 *
 * @author PubSubClub
 */
final class WampServerSession implements WampSession {

	private final String id;

	private final WebSocketSession webSocket;

	private final Map<String, String> prefixes = new ConcurrentHashMap<>();

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final AtomicBoolean closeCounted = new AtomicBoolean();

	private @Nullable FrameSender outbound;

	// the parts so far of a text message that the container delivers in several; only
	// the container's thread for this session touches it, one message at a time
	private @Nullable StringBuilder partialText;

	WampServerSession(String id, WebSocketSession webSocket) {
		this.id = id;
		this.webSocket = webSocket;
	}

	@Override
	public String getId() {
		return this.id;
	}

	@Override
	public Map<String, String> getPrefixes() {
		return Map.copyOf(this.prefixes);
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.webSocket.getAttributes();
	}

	@Override
	public @Nullable Principal getPrincipal() {
		return this.webSocket.getPrincipal();
	}

	@Override
	public String resolve(String curieOrUri) {
		int colon = curieOrUri.indexOf(':');
		if (colon < 0) {
			return curieOrUri;
		}
		String uri = this.prefixes.get(curieOrUri.substring(0, colon));
		return (uri != null) ? uri + curieOrUri.substring(colon + 1) : curieOrUri;
	}

	void prefix(String prefix, String uri) {
		this.prefixes.put(prefix, uri);
	}

	WebSocketSession webSocket() {
		return this.webSocket;
	}

	Set<String> topics() {
		return this.topics;
	}

	void outbound(FrameSender outbound) {
		this.outbound = outbound;
	}

	boolean send(String frame) {
		FrameSender outbound = this.outbound;
		return outbound != null && outbound.send(frame);
	}

	boolean send(TextFrame frame) {
		FrameSender outbound = this.outbound;
		return outbound != null && outbound.send(frame);
	}

	boolean markClosed() {
		FrameSender outbound = this.outbound;
		if (outbound != null) {
			outbound.close();
		}
		return this.closed.compareAndSet(false, true);
	}

	boolean isClosed() {
		return this.closed.get();
	}

	/**
	 * Whether the close of this session still has to be counted, for closes that both
	 * the handler and the container may report.
	 */
	boolean countClose() {
		return this.closeCounted.compareAndSet(false, true);
	}

	@Nullable StringBuilder partialText() {
		return this.partialText;
	}

	void partialText(@Nullable StringBuilder partialText) {
		this.partialText = partialText;
	}

	@Override
	public String toString() {
		return this.id;
	}

}
