package io.pubsubclub.wamp;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.pubsubclub.wamp.WampServerMetrics.BadFrame;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Bad input: what is ignored, what closes the session, and that other sessions do not
 * notice.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.max-message-size=16KB",
				"pubsubclub.wamp.server-ident=TestServer/1" })
class WampBadInputIntegrationTests extends WampServerTestBase {

	private void assertAlive(WampTestClient client, String callId) throws Exception {
		client.send(2, callId, "http://example.com/rpc#echo", callId);
		assertThat(client.nextText()).isEqualTo("[3,\"" + callId + "\",\"" + callId + "\"]");
	}

	private void assertIgnoredAndCounted(WampTestClient client, String frame, BadFrame kind) throws Exception {
		long before = this.metrics.getBadFrames(kind);
		client.sendText(frame);
		assertAlive(client, "after-" + Integer.toHexString(frame.hashCode()));
		assertThat(this.metrics.getBadFrames(kind)).as(frame).isEqualTo(before + 1);
	}

	@Test
	void malformedMessagesAreIgnoredAndCountedAndTheSessionStaysOpen() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port);
				WampTestClient bystander = WampTestClient.connect(this.port)) {
			assertIgnoredAndCounted(client, "not json", BadFrame.NOT_JSON);
			assertIgnoredAndCounted(client, "[5, \"unterminated", BadFrame.NOT_JSON);
			assertIgnoredAndCounted(client, "{\"a\":1}", BadFrame.NOT_ARRAY);
			assertIgnoredAndCounted(client, "\"text\"", BadFrame.NOT_ARRAY);
			assertIgnoredAndCounted(client, "[]", BadFrame.NOT_ARRAY);
			assertIgnoredAndCounted(client, "[\"5\",\"t\"]", BadFrame.NOT_ARRAY);
			assertIgnoredAndCounted(client, "[99,\"t\"]", BadFrame.UNKNOWN_TYPE);
			assertIgnoredAndCounted(client, "[-1]", BadFrame.UNKNOWN_TYPE);
			assertIgnoredAndCounted(client, "[0,\"x\",1,\"me\"]", BadFrame.UNKNOWN_TYPE);
			// CALLRESULT and CALLERROR only ever go from the server to a client
			assertIgnoredAndCounted(client, "[3,\"c\",1]", BadFrame.UNKNOWN_TYPE);
			assertIgnoredAndCounted(client, "[4,\"c\",\"http://example.com/error#e\",\"no\"]", BadFrame.UNKNOWN_TYPE);
			assertIgnoredAndCounted(client, "[8,\"t\",1]", BadFrame.UNKNOWN_TYPE);
			assertIgnoredAndCounted(client, "[5]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[5,1]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[5,\"t\",\"extra\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[6]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[1,\"p\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[1,\"p\",2]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[7,\"t\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[7,5,\"e\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(client, "[7,\"t\",\"e\",[],[],[]]", BadFrame.BAD_ARGUMENTS);
			assertAlive(bystander, "bystander");
			assertThat(client.closeStatus()).isNull();
		}
	}

	@Test
	void unpairedSurrogateEscapesReachSubscribersEscapedAndTopicsWithOneAreRefused() throws Exception {
		// decoded, "\ud800" is a lone surrogate, which no UTF-8 encoder takes: sent back
		// raw, it would cost the subscriber its session
		try (WampTestClient publisher = WampTestClient.connect(this.port);
				WampTestClient subscriber = WampTestClient.connect(this.port)) {
			subscriber.send(5, "http://example.com/lone");
			await().until(() -> this.server.hasSubscribers("http://example.com/lone"));
			publisher.sendText("[7,\"http://example.com/lone\",{\"a\":\"x\\ud800y\",\"b\":\"\\udc00\",\"c\":\"\\ud83d\\ude00\"}]");
			assertThat(subscriber.nextText())
				.isEqualTo("[8,\"http://example.com/lone\",{\"a\":\"x\\ud800y\",\"b\":\"\\udc00\",\"c\":\"\uD83D\uDE00\"}]");
			// the tree path (an event with a duplicate key goes that way) escapes as well
			publisher.sendText("[7,\"http://example.com/lone\",{\"a\":1,\"a\":\"\\udbff\"}]");
			assertThat(subscriber.nextText()).isEqualTo("[8,\"http://example.com/lone\",{\"a\":\"\\udbff\"}]");
			assertIgnoredAndCounted(subscriber, "[5,\"http://example.com/\\ud800\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(subscriber, "[6,\"http://example.com/\\ud800\"]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(subscriber, "[6,\"http://example.com/lone\\udc00\"]", BadFrame.BAD_ARGUMENTS);
			assertThat(this.server.hasSubscribers("http://example.com/lone")).isTrue();
			assertIgnoredAndCounted(publisher, "[7,\"http://example.com/\\ud800\",1]", BadFrame.BAD_ARGUMENTS);
			assertIgnoredAndCounted(publisher, "[7,\"http://example.com/\\ud800\",{\"a\":1,\"a\":2}]",
					BadFrame.BAD_ARGUMENTS);
			assertAlive(subscriber, "subscriber");
			// a CALLRESULT echoing one
			subscriber.sendText("[2,\"c\\udc00\",\"http://example.com/rpc#echo\",\"\\ud800\"]");
			assertThat(subscriber.nextText()).isEqualTo("[3,\"c\\udc00\",\"\\ud800\"]");
			assertThat(subscriber.closeStatus()).isNull();
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.server.publish("http://example.com/\ud800", 1));
		assertThat(this.server.publish("http://example.com/nobody", "x\ud800")).isZero();
	}

	@Test
	void callWithNonStringCallIdOrProcUriClosesWith1002() throws Exception {
		for (String frame : List.of("[2,1,\"http://example.com/rpc#echo\",1]", "[2,\"c\",5]", "[2,\"c\"]", "[2]",
				"[2,null,\"http://example.com/rpc#echo\"]")) {
			try (WampTestClient client = WampTestClient.connect(this.port);
					WampTestClient bystander = WampTestClient.connect(this.port)) {
				long before = this.metrics.getBadFrames(BadFrame.PROTOCOL_ERROR);
				client.sendText(frame);
				await().atMost(WampTestClient.timeout()).until(() -> client.closeStatus() != null);
				assertThat(client.closeStatus().getCode()).as(frame).isEqualTo(1002);
				assertThat(client.closeStatus().getReason()).as(frame).startsWith("protocol error: ");
				assertThat(this.metrics.getBadFrames(BadFrame.PROTOCOL_ERROR)).isEqualTo(before + 1);
				assertAlive(bystander, "bystander");
			}
		}
	}

	@Test
	void messageOverTheLimitClosesWith1009AndOneUnderItPasses() throws Exception {
		String t = "http://example.com/big#" + UUID.randomUUID();
		try (WampTestClient client = WampTestClient.connect(this.port);
				WampTestClient bystander = WampTestClient.connect(this.port)) {
			bystander.send(5, t);
			await().atMost(WampTestClient.timeout())
				.until(() -> this.server.getTopicSubscriberCounts().getOrDefault(t, 0) == 1);
			String underLimit = "x".repeat(12 * 1024);
			client.send(7, t, underLimit);
			assertThat(bystander.next().get(2).stringValue()).isEqualTo(underLimit);
			long before = this.metrics.getBadFrames(BadFrame.TOO_BIG);
			client.send(7, t, "x".repeat(17 * 1024));
			await().atMost(WampTestClient.timeout()).until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
			assertThat(this.metrics.getBadFrames(BadFrame.TOO_BIG)).isEqualTo(before + 1);
			assertAlive(bystander, "bystander");
			bystander.send(7, t, "still here", false);
			assertThat(bystander.next().get(2).stringValue()).isEqualTo("still here");
		}
	}

	@Test
	void binaryFrameClosesWith1003() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port);
				WampTestClient bystander = WampTestClient.connect(this.port)) {
			long before = this.metrics.getBadFrames(BadFrame.BINARY);
			client.sendBinary("[5,\"t\"]".getBytes());
			await().atMost(WampTestClient.timeout()).until(() -> client.closeStatus() != null);
			assertThat(client.closeStatus().getCode()).isEqualTo(1003);
			assertThat(this.metrics.getBadFrames(BadFrame.BINARY)).isEqualTo(before + 1);
			assertAlive(bystander, "bystander");
		}
	}

	@Test
	void messagesInAreCountedByType() throws Exception {
		try (WampTestClient client = WampTestClient.connect(this.port)) {
			long prefixes = this.metrics.getMessagesIn(WampMessageType.PREFIX);
			long subscribes = this.metrics.getMessagesIn(WampMessageType.SUBSCRIBE);
			long unsubscribes = this.metrics.getMessagesIn(WampMessageType.UNSUBSCRIBE);
			long publishes = this.metrics.getMessagesIn(WampMessageType.PUBLISH);
			long calls = this.metrics.getMessagesIn(WampMessageType.CALL);
			client.send(1, "p", "http://example.com/counted#");
			client.send(5, "p:a");
			client.send(7, "p:a", 1, false);
			client.next();
			client.send(6, "p:a");
			assertAlive(client, "counted");
			// each sent once, and this test's the only session sending
			assertThat(this.metrics.getMessagesIn(WampMessageType.PREFIX)).isEqualTo(prefixes + 1);
			assertThat(this.metrics.getMessagesIn(WampMessageType.SUBSCRIBE)).isEqualTo(subscribes + 1);
			assertThat(this.metrics.getMessagesIn(WampMessageType.UNSUBSCRIBE)).isEqualTo(unsubscribes + 1);
			assertThat(this.metrics.getMessagesIn(WampMessageType.PUBLISH)).isEqualTo(publishes + 1);
			assertThat(this.metrics.getMessagesIn(WampMessageType.CALL)).isEqualTo(calls + 1);
			assertThat(this.metrics.getSessionsOpen()).isGreaterThanOrEqualTo(1);
		}
	}

}
