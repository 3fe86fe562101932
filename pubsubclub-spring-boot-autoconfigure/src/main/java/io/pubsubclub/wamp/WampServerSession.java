package io.pubsubclub.wamp;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.support.FrameSender;
import io.pubsubclub.support.TextFrame;
import io.pubsubclub.wamp.auth.WampAuthState;
import io.pubsubclub.wamp.auth.WampCraAuthentication;
import org.springframework.web.socket.WebSocketSession;

/**
 * The server's side of one WAMP session: its WebSocket, outbound buffer, prefixes,
 * subscriptions, queued calls and publish budget. What an application or an authoriser
 * keeps per session goes in {@link #getAttributes()}.
 *
 * @author PubSubClub
 */
final class WampServerSession implements WampSession {

	private final String id;

	private final WebSocketSession webSocket;

	private final @Nullable Wamp2State v2;

	private final Map<String, String> prefixes = new ConcurrentHashMap<>();

	private final Set<String> topics = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final WampAuthState authState;

	private final AtomicBoolean closeCounted = new AtomicBoolean();

	// bit i set: a refusal by limit i has been logged for this session
	private final AtomicInteger limitsLogged = new AtomicInteger();

	// INFO lines logged about this session's ignored or refused messages
	private final AtomicInteger refusalLines = new AtomicInteger();

	private final CallQueue calls = new CallQueue();

	private final PublishBudget publishBudget;

	private final ReadThrottle readThrottle;

	private @Nullable FrameSender outbound;

	// the parts so far of a text message that the container delivers in several; only
	// the container's thread for this session touches it, one message at a time
	private @Nullable StringBuilder partialText;

	WampServerSession(String id, WebSocketSession webSocket, long publishRate, long publishBurst) {
		this(id, webSocket, publishRate, publishBurst, null);
	}

	/**
	 * Create a session; a v2 one has its {@link Wamp2State}, whose id is this id in
	 * decimal.
	 */
	WampServerSession(String id, WebSocketSession webSocket, long publishRate, long publishBurst,
			@Nullable Wamp2State v2) {
		this.id = id;
		this.webSocket = webSocket;
		this.v2 = v2;
		InetSocketAddress remote = webSocket.getRemoteAddress();
		this.authState = new WampAuthState((remote != null) ? remote.getAddress() : null);
		this.publishBudget = new PublishBudget(publishRate, publishBurst, System.nanoTime());
		this.readThrottle = new ReadThrottle(this, webSocket);
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
	public @Nullable WampCraAuthentication getCraAuthentication() {
		return this.authState.getAuthentication();
	}

	/**
	 * Whether the session is authenticated: a principal on the handshake, or WAMP-CRA.
	 */
	boolean isAuthenticated() {
		return getPrincipal() != null || this.authState.getAuthentication() != null;
	}

	/**
	 * Return the session's WAMP v2 state, {@code null} for a v1 session.
	 */
	@Nullable Wamp2State v2() {
		return this.v2;
	}

	WampProtocol protocol() {
		return (this.v2 != null) ? WampProtocol.V2 : WampProtocol.V1;
	}

	@Override
	public WampProtocol getProtocol() {
		return protocol();
	}

	@Override
	public @Nullable String getAuthId() {
		Wamp2State v2 = this.v2;
		return (v2 != null) ? v2.authid() : WampSession.super.getAuthId();
	}

	@Override
	public @Nullable String getAuthRole() {
		Wamp2State v2 = this.v2;
		return (v2 != null) ? v2.authrole() : null;
	}

	WampAuthState authState() {
		return this.authState;
	}

	@Override
	public String resolve(String curieOrUri) {
		int colon = curieOrUri.indexOf(':');
		// an empty prefix is no prefix, as in Autobahn
		if (colon <= 0) {
			return curieOrUri;
		}
		String uri = this.prefixes.get(curieOrUri.substring(0, colon));
		return (uri != null) ? uri + curieOrUri.substring(colon + 1) : curieOrUri;
	}

	void prefix(String prefix, String uri) {
		this.prefixes.put(prefix, uri);
	}

	boolean hasPrefix(String prefix) {
		return this.prefixes.containsKey(prefix);
	}

	int prefixCount() {
		return this.prefixes.size();
	}

	CallQueue calls() {
		return this.calls;
	}

	PublishBudget publishBudget() {
		return this.publishBudget;
	}

	ReadThrottle readThrottle() {
		return this.readThrottle;
	}

	/**
	 * Whether a refusal by this limit is the session's first, the one to log.
	 */
	boolean firstRefusal(WampServerMetrics.Limit limit) {
		int bit = 1 << limit.ordinal();
		return (this.limitsLogged.getAndUpdate((logged) -> logged | bit) & bit) == 0;
	}

	AtomicInteger refusalLines() {
		return this.refusalLines;
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
