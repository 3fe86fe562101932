package io.pubsubclub.cluster.transport;

import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.channels.AsynchronousSocketChannel;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * Turns Nagle's algorithm off on a link this node dialled. Tomcat's WebSocket client opens
 * its socket without {@code TCP_NODELAY} and has no setting for it, so a frame written
 * while an earlier one is unacknowledged waits for the peer's delayed ACK: on loopback the
 * cluster hop's median latency went from about 0.4 ms to 5-7 ms. The server side of a link
 * needs nothing: Tomcat's connector sets {@code TCP_NODELAY} by default.
 * <p>
 * The socket is reached through Tomcat's internals by reflection; if they change, the link
 * works as before, only slower, and this is logged once.
 *
 * @author PubSubClub
 */
final class TcpNoDelay {

	private static final Log logger = LogFactory.getLog(TcpNoDelay.class);

	private static volatile boolean warned;

	private TcpNoDelay() {
	}

	static void enable(WebSocketSession session) {
		try {
			Object nativeSession = (session instanceof NativeWebSocketSession nws)
					? nws.getNativeSession(jakarta.websocket.Session.class) : null;
			Object remote = field(nativeSession, "wsRemoteEndpoint");
			Object wrapper = field(remote, "channel");
			Object channel = field(wrapper, "socketChannel");
			if (channel instanceof AsynchronousSocketChannel socket) {
				socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
				return;
			}
			warnOnce("no socket channel found in " + ((nativeSession != null) ? nativeSession.getClass() : session.getClass()), null);
		}
		catch (ReflectiveOperationException | RuntimeException | java.io.IOException ex) {
			warnOnce(ex.toString(), ex);
		}
	}

	private static @Nullable Object field(@Nullable Object target, String name) throws ReflectiveOperationException {
		if (target == null) {
			return null;
		}
		for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
			try {
				Field field = type.getDeclaredField(name);
				field.setAccessible(true);
				return field.get(target);
			}
			catch (NoSuchFieldException ex) {
				// look in the superclass
			}
		}
		return null;
	}

	private static void warnOnce(String why, @Nullable Throwable ex) {
		if (!warned) {
			warned = true;
			logger.info("Could not set TCP_NODELAY on dialled cluster links (" + why
					+ "); links work, with Nagle's algorithm adding latency", ex);
		}
	}

}
