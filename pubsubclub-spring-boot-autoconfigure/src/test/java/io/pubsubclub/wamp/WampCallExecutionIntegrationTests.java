package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CALLs run on the starter's own bounded executor: one session's calls start one after
 * another, in order; a slow session does not hold up another's; calls still queued when
 * their session closes are dropped; a CompletionStage may finish out of order, and the
 * call timeout answers one that never does.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", 
				"pubsubclub.wamp.call-timeout=2s", "pubsubclub.wamp.calls.pool-size=4", "pubsubclub.wamp.limits.calls-per-session=600" })
@DirtiesContext
class WampCallExecutionIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampTestApplication.Procedures procedures;

	@BeforeEach
	void freshLatch() {
		this.procedures.blockRelease = new CountDownLatch(1);
		this.procedures.blockStarted.clear();
	}

	@AfterEach
	void release() {
		this.procedures.blockRelease.countDown();
	}

	@Test
	void aSlowSessionDoesNotDelayAnotherSessionsCall() throws Exception {
		try (WampTestClient slow = WampTestClient.connect(this.port);
				WampTestClient other = WampTestClient.connect(this.port)) {
			// more blocked calls than the pool has threads
			for (int i = 0; i < 20; i++) {
				slow.send(2, "s" + i, "http://example.com/rpc#block", "s" + i);
			}
			await().until(() -> this.procedures.blockStarted.size() == 1);
			other.send(2, "add", "http://example.com/rpc#add", 1, 2);
			assertThat(other.nextText()).isEqualTo("[3,\"add\",3]");
			assertThat(this.procedures.blockStarted).containsExactly("s0");
			this.procedures.blockRelease.countDown();
			for (int i = 0; i < 20; i++) {
				assertThat(slow.nextText()).isEqualTo("[3,\"s" + i + "\",\"s" + i + "\"]");
			}
		}
	}

	@Test
	void aSessionsCallsStartInOrderOneAfterAnother() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "b", "http://example.com/rpc#block", "b");
			client.send(2, "e", "http://example.com/rpc#echo", "e");
			await().until(() -> this.procedures.blockStarted.size() == 1);
			this.procedures.blockRelease.countDown();
			assertThat(client.nextText()).isEqualTo("[3,\"b\",\"b\"]");
			assertThat(client.nextText()).isEqualTo("[3,\"e\",\"e\"]");
		}
	}

	@Test
	void aCompletionStageMayFinishOutOfOrder() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			int held = this.procedures.held.size();
			client.send(2, "l", "http://example.com/rpc#later", "l");
			client.send(2, "e", "http://example.com/rpc#echo", "e");
			assertThat(client.nextText()).isEqualTo("[3,\"e\",\"e\"]");
			this.procedures.held.get(held).complete("done");
			assertThat(client.nextText()).isEqualTo("[3,\"l\",\"l\"]");
		}
	}

	@Test
	void callsOfAClosedSessionAreDropped() throws Exception {
		long dropped = this.server.getMetrics().getCallsDropped();
		WampTestClient closing = WampTestClient.connect(this.port);
		for (int i = 0; i < 10; i++) {
			closing.send(2, "c" + i, "http://example.com/rpc#block", "c" + i);
		}
		await().until(() -> this.procedures.blockStarted.size() == 1);
		closing.close();
		await().until(() -> this.server.getMetrics().getCallsDropped() == dropped + 9);
		this.procedures.blockRelease.countDown();
		// the call that was running finishes; then the session's queue is empty
		try (WampTestClient other = WampTestClient.connect(this.port)) {
			other.send(2, "b", "http://example.com/rpc#block", "after");
			assertThat(other.nextText()).isEqualTo("[3,\"b\",\"after\"]");
		}
		assertThat(this.procedures.blockStarted).containsExactly("c0", "after");
	}

	@Test
	void callDrivenPublishesArriveInOrder() throws Exception {
		String topic = "http://example.com/topic#ordered";
		try (WampTestClient subscriber = WampTestClient.connect(this.port);
				WampTestClient caller = WampTestClient.connect(this.port)) {
			subscriber.send(5, topic);
			await().until(() -> this.server.hasSubscribers(topic));
			int count = 500;
			for (int i = 0; i < count; i++) {
				caller.send(2, "p" + i, "http://example.com/rpc#publishAs", topic, i);
			}
			caller.send(2, "end", "http://example.com/rpc#publishAs", topic, "end");
			List<JsonNode> events = subscriber.eventsUntil("end");
			List<Integer> received = new ArrayList<>();
			for (JsonNode event : events) {
				received.add(event.get(2).intValue());
			}
			List<Integer> expected = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				expected.add(i);
			}
			assertThat(received).containsExactlyElementsOf(expected);
		}
	}

	@Test
	void aStageThatNeverCompletesIsAnsweredAtTheCallTimeoutAndFreesTheSession() throws Exception {
		long timedOut = this.server.getMetrics().getCallsTimedOut();
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "h", "http://example.com/rpc#hold");
			client.send(2, "e", "http://example.com/rpc#echo", "e");
			assertThat(client.nextText()).isEqualTo("[3,\"e\",\"e\"]");
			assertThat(client.nextText()).isEqualTo(
					"[4,\"h\",\"" + WampWebSocketHandler.ERROR_TIMEOUT + "\",\"Call timed out after PT2S.\"]");
			assertThat(this.server.getMetrics().getCallsTimedOut()).isEqualTo(timedOut + 1);
		}
	}

	@Test
	void aBlockingCallIsAnsweredAtTheCallTimeoutAndTheNextCallRuns() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			client.send(2, "b", "http://example.com/rpc#block", "b");
			client.send(2, "e", "http://example.com/rpc#echo", "e");
			assertThat(client.nextText()).isEqualTo(
					"[4,\"b\",\"" + WampWebSocketHandler.ERROR_TIMEOUT + "\",\"Call timed out after PT2S.\"]");
			assertThat(client.nextText()).isEqualTo("[3,\"e\",\"e\"]");
		}
	}

}
