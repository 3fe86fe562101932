package io.pubsubclub.wamp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.event.WampTopicEvent;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A Boot application with the WAMP server and a few procedures.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class WampTestApplication {

	@Bean
	Procedures procedures() {
		return new Procedures();
	}

	@Bean
	TopicEvents topicEvents() {
		return new TopicEvents();
	}

	static class Procedures {

		final CountDownLatch slowRelease = new CountDownLatch(1);

		@WampProcedure("http://example.com/rpc#echo")
		@Nullable Object echo(@Nullable Object value) {
			return value;
		}

		@WampProcedure("http://example.com/rpc#add")
		int add(int a, int b) {
			return a + b;
		}

		@WampProcedure("http://example.com/rpc#sum")
		long sum(List<Long> values) {
			return values.stream().mapToLong(Long::longValue).sum();
		}

		@WampProcedure("http://example.com/rpc#norm1")
		int norm1(Point point) {
			return Math.abs(point.x()) + Math.abs(point.y());
		}

		@WampProcedure("http://example.com/rpc#keys")
		List<String> keys(Map<String, Object> map) {
			return map.keySet().stream().sorted().toList();
		}

		@WampProcedure("http://example.com/rpc#isNull")
		boolean isNull(@Nullable String value) {
			return value == null;
		}

		@WampProcedure("http://example.com/rpc#whoami")
		Map<String, Object> whoami(String greeting, WampSession session) {
			return Map.of("greeting", greeting, "id", session.getId(), "prefixes", session.getPrefixes());
		}

		@WampProcedure("http://example.com/rpc#textBuffer")
		int textBuffer(WampSession session) {
			// -1 on the starter's own transport, which has no JSR-356 session
			if (!(((WampServerSession) session).webSocket() instanceof NativeWebSocketSession nativeWebSocket)) {
				return -1;
			}
			jakarta.websocket.Session nativeSession = nativeWebSocket.getNativeSession(jakarta.websocket.Session.class);
			return nativeSession.getMaxTextMessageBufferSize();
		}

		@WampProcedure("http://example.com/rpc#nothing")
		void nothing() {
		}

		@WampProcedure("http://example.com/rpc#fail")
		void fail() {
			throw new IllegalStateException("boom");
		}

		@WampProcedure("http://example.com/rpc#refuse")
		void refuse() {
			throw new WampRpcException("http://example.com/error#refused", "not today", Map.of("retryAfter", 5));
		}

		@WampProcedure("http://example.com/rpc#slow")
		String slow() throws InterruptedException {
			this.slowRelease.await(10, TimeUnit.SECONDS);
			return "slow";
		}

	}

	record Point(int x, int y) {
	}

	static class TopicEvents {

		final BlockingQueue<WampTopicEvent> events = new LinkedBlockingQueue<>();

		@EventListener
		void on(WampTopicEvent event) {
			this.events.add(event);
		}

	}

}
