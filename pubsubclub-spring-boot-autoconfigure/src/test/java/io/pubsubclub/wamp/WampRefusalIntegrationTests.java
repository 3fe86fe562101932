package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import io.pubsubclub.wamp.WampServerMetrics.Limit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client gets for flooding the server with messages it ignores or refuses: a few
 * log lines, the rest counted; refused publishes cost its publish budget as published
 * ones do; the session ids of exclude and eligible lists cost it too, and are bounded.
 * Counts are asserted, never times.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.topics.publish=http://example.com/open#*",
				"pubsubclub.wamp.limits.publish-rate=16KB", "pubsubclub.wamp.limits.session-ids-per-publish=100",
				"pubsubclub.wamp.limits.session-id-length=32" })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class WampRefusalIntegrationTests {

	private static final String OPEN = "http://example.com/open#t";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Test
	void aFloodOfIgnoredAndRefusedMessagesLogsAFewLinesAndCountsTheRest(CapturedOutput output) throws Exception {
		WampServerMetrics metrics = this.server.getMetrics();
		long unlogged = metrics.getUnloggedRefusals();
		try (WampTestClient flooder = WampTestClient.connect(this.port)) {
			for (int i = 0; i < 1000; i++) {
				flooder.sendText("[99]");
				flooder.sendText("[7,\"http://example.com/closed#t\",1]");
				flooder.sendText("[2,\"c" + i + "\",\"http://example.com/rpc#add\",\"one\",\"two\"]");
			}
			// each CALL is answered once, a CALLERROR: invalid arguments, or busy past
			// calls-per-session; a sync CALL sent before they are all answered could be
			// refused busy too, the sooner the slower the machine
			Set<String> answered = new HashSet<>();
			while (answered.size() < 1000) {
				JsonNode answer = flooder.next();
				assertThat(answer.get(0).intValue()).as("a CALLERROR: %s", answer).isEqualTo(4);
				assertThat(answered.add(answer.get(1).stringValue())).as("answered once: %s", answer).isTrue();
			}
			flooder.send(2, "sync", "http://example.com/rpc#echo", "done");
			assertThat(flooder.nextText()).isEqualTo("[3,\"sync\",\"done\"]");
			String session = "WAMP session " + flooder.id() + ": ";
			long lines = output.getAll().lines().filter((line) -> line.contains(session)).count();
			assertThat(lines).isEqualTo(WampServerMetrics.REFUSAL_LINES_PER_SESSION);
			assertThat(output.getAll()).contains("further refusals of this session are counted, not logged");
		}
		// every ignored message and refused publish, and the CALLs with bad arguments
		// (those over calls-per-session are refused by that limit, logged once)
		assertThat(metrics.getUnloggedRefusals() - unlogged)
			.isGreaterThanOrEqualTo(2000 - WampServerMetrics.REFUSAL_LINES_PER_SESSION);
	}

	@Test
	void refusedPublishesAreChargedToThePublishBudget() throws Exception {
		WampServerMetrics metrics = this.server.getMetrics();
		long slowed = metrics.getPublishesSlowed();
		long refused = metrics.getRefusedPublishes();
		try (WampTestClient flooder = WampTestClient.connect(this.port)) {
			// 20 x 4 KB against a burst of 16 KB
			String event = "x".repeat(4096);
			for (int i = 0; i < 20; i++) {
				flooder.send(7, "http://example.com/closed#t", event);
			}
			flooder.send(2, "sync", "http://example.com/rpc#echo", "done");
			assertThat(flooder.nextText()).isEqualTo("[3,\"sync\",\"done\"]");
		}
		assertThat(metrics.getRefusedPublishes() - refused).isEqualTo(20);
		assertThat(metrics.getPublishesSlowed()).isGreaterThan(slowed);
	}

	@Test
	void sessionIdsOfExcludeListsAreChargedToThePublishBudget() throws Exception {
		WampServerMetrics metrics = this.server.getMetrics();
		long slowed = metrics.getPublishesSlowed();
		try (WampTestClient publisher = WampTestClient.connect(this.port)) {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				ids.add(String.format("%032d", i));
			}
			// 100 ids of 32 characters: 3.5 KB a publish, 35 KB against a burst of 16 KB
			for (int i = 0; i < 10; i++) {
				publisher.send(7, OPEN, i, ids);
			}
			publisher.send(2, "sync", "http://example.com/rpc#echo", "done");
			assertThat(publisher.nextText()).isEqualTo("[3,\"sync\",\"done\"]");
		}
		assertThat(metrics.getPublishesSlowed()).isGreaterThan(slowed);
	}

	@Test
	void aPublishNamingTooManyOrTooLongSessionIdsIsRefused() throws Exception {
		WampServerMetrics metrics = this.server.getMetrics();
		long tooMany = metrics.getLimitRefusals(Limit.SESSION_IDS_PER_PUBLISH);
		long tooLong = metrics.getLimitRefusals(Limit.SESSION_ID_LENGTH);
		try (WampTestClient subscriber = WampTestClient.connect(this.port);
				WampTestClient publisher = WampTestClient.connect(this.port)) {
			subscriber.send(5, OPEN);
			subscriber.send(2, "sync", "http://example.com/rpc#echo", "subscribed");
			assertThat(subscriber.nextText()).isEqualTo("[3,\"sync\",\"subscribed\"]");
			List<String> excluded = new ArrayList<>();
			List<String> eligible = new ArrayList<>(List.of(subscriber.id()));
			for (int i = 0; i < 100; i++) {
				excluded.add("other" + i);
			}
			// 101 ids in all, over 100, and one of 33 characters, over 32
			publisher.send(7, OPEN, "too many", excluded, eligible);
			publisher.send(7, OPEN, "too long", List.of("x".repeat(33)));
			publisher.send(7, OPEN, "too long", List.of(), List.of(subscriber.id(), "y".repeat(33)));
			excluded.remove(0);
			publisher.send(7, OPEN, "within", excluded, eligible);
			assertThat(subscriber.nextText()).isEqualTo("[8,\"" + OPEN + "\",\"within\"]");
		}
		assertThat(metrics.getLimitRefusals(Limit.SESSION_IDS_PER_PUBLISH) - tooMany).isOne();
		assertThat(metrics.getLimitRefusals(Limit.SESSION_ID_LENGTH) - tooLong).isEqualTo(2);
	}

	@Test
	void aPublishOnBehalfNamingTooManySessionIdsIsAnsweredWithACallError() throws Exception {
		try (WampTestClient caller = WampTestClient.connect(this.port)) {
			List<String> excluded = new ArrayList<>();
			for (int i = 0; i < 101; i++) {
				excluded.add("other" + i);
			}
			caller.send(2, "many", "http://example.com/rpc#publishAsExcluding", OPEN, "x", excluded);
			String answer = caller.nextText();
			assertThat(answer).startsWith("[4,\"many\",\"http://api.wamp.ws/error#invalid-argument\"")
				.contains("101 session ids, over 100");
			caller.send(2, "long", "http://example.com/rpc#publishAsExcluding", OPEN, "x", List.of("z".repeat(33)));
			assertThat(caller.nextText()).startsWith("[4,\"long\",\"http://api.wamp.ws/error#invalid-argument\"")
				.contains("longer than 32 characters");
			caller.send(2, "fine", "http://example.com/rpc#publishAsExcluding", OPEN, "x", excluded.subList(0, 100));
			assertThat(caller.nextText()).isEqualTo("[3,\"fine\",0]");
		}
	}

}
