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
	Procedures procedures(WampPublisher publisher) {
		return new Procedures(publisher);
	}

	@Bean
	TopicEvents topicEvents() {
		return new TopicEvents();
	}

	static class Procedures {

		final CountDownLatch slowRelease = new CountDownLatch(1);

		/** Released by a test to let {@code #block} calls return. */
		volatile CountDownLatch blockRelease = new CountDownLatch(1);

		/** The arguments of every {@code #block} call that started, in order. */
		final List<String> blockStarted = new java.util.concurrent.CopyOnWriteArrayList<>();

		/** Stages handed out by {@code #hold} that nobody completes. */
		final List<java.util.concurrent.CompletableFuture<String>> held = new java.util.concurrent.CopyOnWriteArrayList<>();

		private final WampPublisher publisher;

		Procedures(WampPublisher publisher) {
			this.publisher = publisher;
		}

		@WampProcedure("http://example.com/rpc#block")
		String block(String id) throws InterruptedException {
			this.blockStarted.add(id);
			this.blockRelease.await(30, TimeUnit.SECONDS);
			return id;
		}

		@WampProcedure("http://example.com/rpc#hold")
		java.util.concurrent.CompletionStage<String> hold() {
			java.util.concurrent.CompletableFuture<String> stage = new java.util.concurrent.CompletableFuture<>();
			this.held.add(stage);
			return stage;
		}

		@WampProcedure("http://example.com/rpc#later")
		java.util.concurrent.CompletionStage<String> later(String value) {
			java.util.concurrent.CompletableFuture<String> stage = new java.util.concurrent.CompletableFuture<>();
			this.held.add(stage);
			return stage.thenApply((ignored) -> value);
		}

		@WampProcedure("http://example.com/rpc#concat")
		String concat(String... parts) {
			return String.join("", parts);
		}

		@WampProcedure("http://example.com/rpc#prefixConcat")
		String prefixConcat(int count, String... parts) {
			return count + String.join("", parts);
		}

		@WampProcedure("http://example.com/rpc#size")
		int size(@Nullable List<String> values) {
			return values.size();
		}

		@WampProcedure("http://example.com/rpc#half")
		double half(double value) {
			return value / 2;
		}

		@WampProcedure("http://example.com/rpc#flag")
		boolean flag(boolean value) {
			return value;
		}

		@WampProcedure("http://example.com/rpc#publishAs")
		int publishAs(String topic, @Nullable Object event, WampSession caller) {
			return this.publisher.publish(caller, topic, event);
		}

		@WampProcedure("http://example.com/rpc#publishAsExcluding")
		int publishAsExcluding(String topic, @Nullable Object event, List<String> exclude, WampSession caller) {
			return this.publisher.publish(caller, topic, event, exclude, null);
		}

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
