package io.pubsubclub.wamp;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.event.WampUnsubscribedEvent;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Smaller session rules: a failing listener does not leave a closed session subscribed,
 * a CURIE with an empty prefix is not resolved, and publishing on behalf of a session
 * follows that session's publish rules, which refuse a topic before its event is written.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.topics.publish=http://open/*" })
@Import({ WampSessionRulesIntegrationTests.FailingListener.class, WampSessionRulesIntegrationTests.UnwritableEvents.class })
@DirtiesContext
class WampSessionRulesIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	FailingListener failing;

	@Autowired
	UnwritableEvents unwritable;

	@Test
	void aListenerThrowingOnTheLastUnsubscriberDoesNotKeepTheClosedSessionInItsOtherTopics() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			for (int i = 0; i < 5; i++) {
				client.send(5, "http://fail/" + i);
			}
			await().until(() -> this.server.getTopicSubscriberCounts().size() >= 5);
			this.failing.armed.set(true);
		}
		await().until(() -> this.server.getSessionCount() == 0);
		assertThat(this.server.getTopicSubscriberCounts()).isEmpty();
		assertThat(this.server.topics()).isEmpty();
		assertThat(this.failing.armed).isFalse();
	}

	@Test
	void aCurieWithAnEmptyPrefixIsNotResolved() throws Exception {
		try (WampTestClient subscriber = WampTestClient.connect(this.port)) {
			subscriber.send(1, "", "http://empty/");
			subscriber.send(5, ":x");
			subscriber.send(2, "sync", "http://example.com/rpc#echo", 1);
			subscriber.next();
			assertThat(this.server.getTopicSubscriberCounts()).containsKey(":x").doesNotContainKey("http://empty/x");
		}
	}

	@Test
	void publishingOnBehalfOfASessionFollowsItsPublishRules() throws Exception {
		try (WampTestClient subscriber = WampTestClient.connect(this.port);
				WampTestClient caller = WampTestClient.connect(this.port)) {
			subscriber.send(5, "http://closed/t");
			subscriber.send(5, "http://open/t");
			await().until(() -> this.server.getTopicSubscriberCounts().size() >= 2);
			long refused = this.server.getMetrics().getRefusedPublishes();
			caller.send(2, "c", "http://example.com/rpc#publishAs", "http://closed/t", "secret");
			assertThat(caller.nextText()).isEqualTo("[4,\"c\",\"" + WampWebSocketHandler.ERROR_NOT_AUTHORIZED
					+ "\",\"Not authorized to publish on http://closed/t.\"]");
			caller.send(2, "o", "http://example.com/rpc#publishAs", "http://open/t", "public");
			assertThat(caller.nextText()).isEqualTo("[3,\"o\",1]");
			assertThat(subscriber.nextText()).isEqualTo("[8,\"http://open/t\",\"public\"]");
			assertThat(this.server.getMetrics().getRefusedPublishes()).isEqualTo(refused + 1);
			// the default exclusion of a client's PUBLISH: not back to the caller
			caller.send(5, "http://open/t");
			await().until(() -> this.server.getTopicSubscriberCounts().get("http://open/t") == 2);
			caller.send(2, "o2", "http://example.com/rpc#publishAs", "http://open/t", "again");
			assertThat(caller.nextText()).isEqualTo("[3,\"o2\",1]");
			assertThat(subscriber.nextText()).isEqualTo("[8,\"http://open/t\",\"again\"]");
		}
	}

	@Test
	void aPublishOnBehalfOfASessionIsRefusedForItsTopicBeforeItsEventIsWritten() throws Exception {
		try (WampTestClient caller = WampTestClient.connect(this.port)) {
			caller.send(2, "c", "http://example.com/rpc#publishUnwritableAs", "http://closed/t");
			assertThat(caller.nextText()).isEqualTo("[4,\"c\",\"" + WampWebSocketHandler.ERROR_NOT_AUTHORIZED
					+ "\",\"Not authorized to publish on http://closed/t.\"]");
			assertThat(this.unwritable.written).isFalse();
		}
	}

	static class FailingListener {

		final AtomicBoolean armed = new AtomicBoolean();

		@EventListener
		void on(WampUnsubscribedEvent event) {
			// the first of the closing session's topics, whichever the close takes first
			if (event.getTopic().startsWith("http://fail/") && this.armed.compareAndSet(true, false)) {
				throw new IllegalStateException("listener failed on purpose");
			}
		}

	}

	static class UnwritableEvents {

		final AtomicBoolean written = new AtomicBoolean();

		private final WampPublisher publisher;

		UnwritableEvents(WampPublisher publisher) {
			this.publisher = publisher;
		}

		@WampProcedure("http://example.com/rpc#publishUnwritableAs")
		int publishUnwritableAs(String topic, WampSession caller) {
			return this.publisher.publish(caller, topic, new Unwritable(this.written));
		}

	}

	/** An event whose JSON form cannot be written, and which says when that was tried. */
	static class Unwritable {

		private final AtomicBoolean written;

		Unwritable(AtomicBoolean written) {
			this.written = written;
		}

		public String getValue() {
			this.written.set(true);
			throw new IllegalStateException("this event cannot be written");
		}

	}

}
