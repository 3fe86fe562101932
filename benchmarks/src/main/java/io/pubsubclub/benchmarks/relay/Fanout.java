package io.pubsubclub.benchmarks.relay;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.pubsubclub.support.OutboundBuffer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.socket.WebSocketSession;

/**
 * The sessions of a relay's subscribers, each behind its own bounded outbound buffer, and
 * the one operation on them: write a frame to all.
 */
final class Fanout {

	private static final Log logger = LogFactory.getLog(Fanout.class);

	private final Map<String, OutboundBuffer> buffers = new ConcurrentHashMap<>();

	private final ExecutorService closer = Executors.newSingleThreadExecutor();

	/** The WAMP server's default send buffer, for a subscriber's session. */
	static final int SESSION_BUFFER = 512 * 1024;

	/** The cluster link's default send buffer, for the relay link. */
	static final int LINK_BUFFER = 8 * 1024 * 1024;

	OutboundBuffer buffer(WebSocketSession session) {
		return buffer(session, SESSION_BUFFER);
	}

	OutboundBuffer buffer(WebSocketSession session, int limit) {
		return new OutboundBuffer(session, limit, 10_000, this.closer,
				(s, why) -> logger.warn("Session " + s.getId() + " cut off: " + why));
	}

	void add(WebSocketSession session) {
		this.buffers.put(session.getId(), buffer(session));
	}

	void remove(WebSocketSession session) {
		OutboundBuffer buffer = this.buffers.remove(session.getId());
		if (buffer != null) {
			buffer.close();
		}
	}

	void deliver(String frame) {
		for (OutboundBuffer buffer : this.buffers.values()) {
			buffer.send(frame);
		}
	}

}
