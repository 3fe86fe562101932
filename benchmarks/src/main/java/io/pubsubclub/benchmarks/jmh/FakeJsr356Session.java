package io.pubsubclub.benchmarks.jmh;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * A Spring {@link StandardWebSocketSession} over a JSR-356 session whose asynchronous remote
 * completes every send at once on the caller's thread, as Tomcat does when the socket
 * takes the whole frame: what remains to measure is the project's code on the send path.
 */
final class FakeJsr356Session {

	private FakeJsr356Session() {
	}

	static StandardWebSocketSession create(LongAdder charsWritten) {
		SendResult ok = new SendResult();
		RemoteEndpoint.Async async = (RemoteEndpoint.Async) Proxy.newProxyInstance(
				FakeJsr356Session.class.getClassLoader(), new Class<?>[] { RemoteEndpoint.Async.class },
				(proxy, method, args) -> {
					if (method.getName().equals("sendText") && args != null && args.length == 2
							&& args[1] instanceof SendHandler handler) {
						charsWritten.add(((String) args[0]).length());
						handler.onResult(ok);
						return null;
					}
					return defaultValue(method.getReturnType());
				});
		Map<String, Object> userProperties = new java.util.concurrent.ConcurrentHashMap<>();
		Session session = (Session) Proxy.newProxyInstance(FakeJsr356Session.class.getClassLoader(),
				new Class<?>[] { Session.class }, (proxy, method, args) -> switch (method.getName()) {
					case "getAsyncRemote" -> async;
					case "getUserProperties" -> userProperties;
					case "getId" -> "bench";
					case "isOpen" -> true;
					case "hashCode" -> System.identityHashCode(proxy);
					case "equals" -> proxy == args[0];
					case "toString" -> "FakeJsr356Session";
					default -> defaultValue(method.getReturnType());
				});
		StandardWebSocketSession spring = new StandardWebSocketSession(null, null, null, null);
		spring.initializeNativeSession(session);
		return spring;
	}

	private static Object defaultValue(Class<?> type) {
		if (type == boolean.class) {
			return false;
		}
		if (type == int.class) {
			return 0;
		}
		if (type == long.class) {
			return 0L;
		}
		if (type == List.class) {
			return Collections.emptyList();
		}
		if (type == Map.class) {
			return Collections.emptyMap();
		}
		if (type == Set.class) {
			return Collections.emptySet();
		}
		return null;
	}

}
