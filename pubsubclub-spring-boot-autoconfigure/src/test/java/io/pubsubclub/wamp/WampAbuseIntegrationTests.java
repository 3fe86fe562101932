package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A CI-sized abuse run: many sessions push every limit at once (subscriptions, long
 * topics, prefixes, calls, a publish flood) while a bystander session goes on with its
 * business. The bystander's round trips all complete, in order; the flood's steady
 * readers get every event in order and stay open; what the server holds stays within
 * the limits. Order and counts are asserted, never times.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.limits.subscriptions-per-session=50",
				"pubsubclub.wamp.limits.topics-per-node=300", "pubsubclub.wamp.limits.prefixes-per-session=8",
				"pubsubclub.wamp.limits.calls-per-session=4", "pubsubclub.wamp.limits.topic-length=1024",
				"pubsubclub.wamp.limits.publish-rate=512KB", "pubsubclub.wamp.send-buffer-size=512KB",
				"pubsubclub.wamp.calls.pool-size=8" })
@DirtiesContext
class WampAbuseIntegrationTests {

	private static final String FLOOD_TOPIC = "http://example.com/abuse#flood";

	private static final String BYSTANDER_TOPIC = "http://example.com/abuse#bystander";

	private static final int ABUSERS_PER_KIND = 4;

	/** Flooders of one topic: each has its own budget, their readers' buffer is shared. */
	private static final int FLOODERS = 2;

	private static final int FLOOD_EVENTS = 60;

	private static final int ROUND_TRIPS = 30;

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampTestApplication.Procedures procedures;

	@Test
	void manySessionsPushingEveryLimitAtOnceLeaveABystanderAndSteadyReadersWhole() throws Exception {
		this.procedures.blockRelease = new CountDownLatch(1);
		List<WampTestClient> clients = new ArrayList<>();
		ExecutorService abusers = Executors.newFixedThreadPool(4 * ABUSERS_PER_KIND);
		WampFloodIntegrationTests.SteadyReader reader = new WampFloodIntegrationTests.SteadyReader(this.port);
		try (WampTestClient bystander = WampTestClient.connect(this.port);
				WampTestClient bystanderPeer = WampTestClient.connect(this.port)) {
			reader.subscribe(FLOOD_TOPIC);
			bystander.send(5, BYSTANDER_TOPIC);
			bystander.send(2, "ready", "http://example.com/rpc#echo", "ready");
			assertThat(bystander.nextText()).isEqualTo("[3,\"ready\",\"ready\"]");
			for (int i = 0; i < 4 * ABUSERS_PER_KIND; i++) {
				clients.add(WampTestClient.connect(this.port));
			}
			String longPart = "y".repeat(900);
			List<Future<?>> work = new ArrayList<>();
			for (int i = 0; i < ABUSERS_PER_KIND; i++) {
				WampTestClient subscriber = clients.get(i);
				WampTestClient prefixer = clients.get(ABUSERS_PER_KIND + i);
				WampTestClient caller = clients.get(2 * ABUSERS_PER_KIND + i);
				WampTestClient flooder = clients.get(3 * ABUSERS_PER_KIND + i);
				int n = i;
				work.add(abusers.submit(() -> {
					for (int t = 0; t < 400; t++) {
						subscriber.send(5, "http://abuse/" + n + "/" + t + "/" + longPart);
						if (t % 50 == 0) {
							subscriber.send(5, "http://abuse/" + "z".repeat(2000));
						}
					}
					return null;
				}));
				work.add(abusers.submit(() -> {
					for (int p = 0; p < 200; p++) {
						prefixer.send(1, "p" + p, "http://abuse/" + p + "/" + longPart);
					}
					return null;
				}));
				work.add(abusers.submit(() -> {
					for (int c = 0; c < 40; c++) {
						caller.send(2, "c" + c, "http://example.com/rpc#block", "c" + c);
					}
					return null;
				}));
				if (n >= FLOODERS) {
					continue;
				}
				work.add(abusers.submit(() -> {
					String payload = "x".repeat(30 * 1024);
					for (int e = 0; e < FLOOD_EVENTS; e++) {
						flooder.sendText("[7,\"" + FLOOD_TOPIC + "\",\"" + n + ":" + e + ":" + payload + "\"]");
					}
					flooder.send(7, FLOOD_TOPIC, "end" + n);
					return null;
				}));
			}
			// the bystander's business, while the abuse goes on
			for (int r = 0; r < ROUND_TRIPS; r++) {
				bystander.send(2, "r" + r, "http://example.com/rpc#add", r, 1);
				assertThat(bystander.nextText()).isEqualTo("[3,\"r" + r + "\"," + (r + 1) + "]");
				bystanderPeer.send(7, BYSTANDER_TOPIC, r);
				assertThat(bystander.nextText()).isEqualTo("[8,\"" + BYSTANDER_TOPIC + "\"," + r + "]");
			}
			for (Future<?> done : work) {
				done.get(60, TimeUnit.SECONDS);
			}
			// every flooder's events reach the steady reader, each flooder's in order
			int[] next = new int[FLOODERS];
			int ends = 0;
			while (ends < FLOODERS) {
				JsonNode event = WampTestClient.JSON.readTree(reader.next());
				String text = event.get(2).stringValue();
				if (text.startsWith("end")) {
					int n = Integer.parseInt(text.substring(3));
					assertThat(next[n]).as("events of flooder %s before its end", n).isEqualTo(FLOOD_EVENTS);
					ends++;
					continue;
				}
				String[] parts = text.split(":", 3);
				int n = Integer.parseInt(parts[0]);
				assertThat(Integer.parseInt(parts[1])).as("flooder %s in order", n).isEqualTo(next[n]);
				next[n]++;
			}
			assertThat(reader.closeStatus).isNull();
			// the callers got busy answers beyond their 4 outstanding calls, in call order
			this.procedures.blockRelease.countDown();
			long busy = 0;
			for (int i = 0; i < ABUSERS_PER_KIND; i++) {
				WampTestClient caller = clients.get(2 * ABUSERS_PER_KIND + i);
				List<String> answered = new ArrayList<>();
				for (int c = 0; c < 40; c++) {
					JsonNode answer = caller.next();
					if (answer.get(0).intValue() == 3) {
						answered.add(answer.get(1).stringValue());
					}
					else {
						assertThat(answer.get(2).stringValue()).isEqualTo(WampWebSocketHandler.ERROR_BUSY);
						busy++;
					}
				}
				assertThat(answered).hasSizeGreaterThanOrEqualTo(4).isSortedAccordingTo(
						(a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
			}
			// what the server holds stays within the limits
			assertThat(this.server.topics().size()).isLessThanOrEqualTo(300);
			for (int i = 0; i < ABUSERS_PER_KIND; i++) {
				WampTestClient prefixer = clients.get(ABUSERS_PER_KIND + i);
				prefixer.send(2, "w", "http://example.com/rpc#whoami", "hi");
				assertThat(prefixer.next().get(2).get("prefixes").size()).isEqualTo(8);
			}
			// each limit refused exactly what went past it, counted under its own name: the
			// subscribers' 8 over-long topics each, their 350 subscriptions past the 50th
			// (4 x 50 topics stay under the node's 300), the prefixers' 192 past the 8th, and
			// one call refusal per busy answer
			WampServerMetrics metrics = this.server.getMetrics();
			assertThat(metrics.getLimitRefusals(WampServerMetrics.Limit.TOPIC_LENGTH)).isEqualTo(ABUSERS_PER_KIND * 8);
			assertThat(metrics.getLimitRefusals(WampServerMetrics.Limit.SUBSCRIPTIONS_PER_SESSION))
				.isEqualTo(ABUSERS_PER_KIND * (400 - 50));
			assertThat(metrics.getLimitRefusals(WampServerMetrics.Limit.TOPICS_PER_NODE)).isZero();
			assertThat(metrics.getLimitRefusals(WampServerMetrics.Limit.PREFIXES_PER_SESSION))
				.isEqualTo(ABUSERS_PER_KIND * (200 - 8));
			assertThat(metrics.getLimitRefusals(WampServerMetrics.Limit.CALLS_PER_SESSION)).isEqualTo(busy).isPositive();
			for (WampTestClient client : clients) {
				assertThat(client.isOpen()).isTrue();
			}
		}
		finally {
			this.procedures.blockRelease.countDown();
			abusers.shutdownNow();
			reader.close();
			for (WampTestClient client : clients) {
				client.close();
			}
		}
	}

}
