package io.pubsubclub.wamp.abuse;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;

import io.pubsubclub.wamp.WampProcedure;
import io.pubsubclub.wamp.WampServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The abuse run of issue 17 as a program that prints figures (never a test): a WAMP
 * server in this JVM, sessions that push every limit at once (unique long topics, long
 * PREFIXes, CALLs to a slow procedure, a 30 KB publish flood to three readers), and a
 * bystander session that calls {@code echo} every 20 ms meanwhile. Prints the heap held
 * after the abuse (after GC, abusers still connected), the bystander's round-trip
 * latencies, and how many readers were cut off. Uses only API that existed before the
 * limits, so that the same file runs against the old code.
 * <p>
 * Run with the heap of the sample app: {@code java -Xmx256m -cp <test classpath>
 * io.pubsubclub.wamp.abuse.WampAbuseRun}; {@code -Dabuse.only=flood} runs the publish
 * flood alone.
 */
public final class WampAbuseRun {

	private static final String FLOOD_TOPIC = "http://example.com/abuse#flood";

	private WampAbuseRun() {
	}

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(AbuseApplication.class);
		application.setDefaultProperties(Map.of("server.port", "0", "server.address", "127.0.0.1",
				"spring.main.banner-mode", "off", "logging.level.io.pubsubclub", "WARN",
				"logging.level.org.springframework.web.socket", "ERROR"));
		try (ConfigurableApplicationContext context = application.run(args)) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WampServer server = context.getBean(WampServer.class);
			run(port, server);
		}
		System.exit(0);
	}

	private static void run(int port, WampServer server) throws Exception {
		long heapBefore = usedHeapAfterGc();
		List<Client> readers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Client reader = new Client(port);
			reader.send("[5,\"" + FLOOD_TOPIC + "\"]");
			readers.add(reader);
		}
		Client bystander = new Client(port);
		List<Client> abusers = new ArrayList<>();
		ExecutorService pool = Executors.newCachedThreadPool();
		List<Future<?>> work = new ArrayList<>();
		AtomicInteger callAnswers = new AtomicInteger();
		// -Dabuse.only=flood: the publish flood alone, to tell its effect from the rest
		boolean floodOnly = "flood".equals(System.getProperty("abuse.only"));
		int subscribeAbusers = floodOnly ? 0 : 8;
		int prefixAbusers = floodOnly ? 0 : 8;
		int callAbusers = floodOnly ? 0 : 5;
		int callsEach = 40;
		int flooders = 2;
		String topicPart = "t".repeat(1000);
		String prefixPart = "u".repeat(8000);
		String payload = "x".repeat(30 * 1024);
		for (int i = 0; i < subscribeAbusers + prefixAbusers + callAbusers + flooders; i++) {
			abusers.add(new Client(port));
		}
		CountDownLatch start = new CountDownLatch(1);
		for (int i = 0; i < abusers.size(); i++) {
			Client abuser = abusers.get(i);
			int n = i;
			work.add(pool.submit(() -> {
				start.await();
				if (n < subscribeAbusers) {
					for (int t = 0; t < 2000; t++) {
						abuser.send("[5,\"http://abuse/" + n + "/" + t + "/" + topicPart + "\"]");
					}
				}
				else if (n < subscribeAbusers + prefixAbusers) {
					for (int p = 0; p < 1000; p++) {
						abuser.send("[1,\"p" + p + "\",\"http://abuse/" + p + "/" + prefixPart + "\"]");
					}
				}
				else if (n < subscribeAbusers + prefixAbusers + callAbusers) {
					for (int c = 0; c < callsEach; c++) {
						abuser.send("[2,\"c" + c + "\",\"http://example.com/abuse#slow\"]");
					}
					for (int c = 0; c < callsEach; c++) {
						abuser.next(60);
						callAnswers.incrementAndGet();
					}
				}
				else {
					for (int e = 0; e < 200; e++) {
						abuser.send("[7,\"" + FLOOD_TOPIC + "\",\"" + e + payload + "\"]");
					}
				}
				return null;
			}));
		}
		List<Long> latencies = new ArrayList<>();
		start.countDown();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		int round = 0;
		while (!allDone(work) && System.nanoTime() < deadline) {
			long sent = System.nanoTime();
			bystander.send("[2,\"r" + round + "\",\"http://example.com/abuse#echo\"," + round + "]");
			String answer = bystander.next(60);
			latencies.add(System.nanoTime() - sent);
			if (!answer.equals("[3,\"r" + round + "\"," + round + "]")) {
				System.out.println("bystander got " + answer);
			}
			round++;
			Thread.sleep(20);
		}
		boolean finished = allDone(work);
		if (!finished) {
			List<Integer> open = new ArrayList<>();
			for (int i = 0; i < work.size(); i++) {
				if (!work.get(i).isDone()) {
					open.add(i);
				}
			}
			System.out.println("abusers not done (0-7 subscribe, 8-15 prefix, 16-20 call, 21-22 flood): " + open);
		}
		long heapAfter = usedHeapAfterGc();
		int cut = 0;
		for (Client reader : readers) {
			if (reader.closeStatus != null) {
				cut++;
			}
		}
		Collections.sort(latencies);
		System.out.printf("abuse finished within 60 s: %s%n", finished);
		System.out.printf("heap used after GC: before %.1f MB, after the abuse %.1f MB (max heap %.0f MB)%n",
				heapBefore / 1e6, heapAfter / 1e6, Runtime.getRuntime().maxMemory() / 1e6);
		System.out.printf("bystander echo round trips: n=%d p50=%.1f ms p99=%.1f ms max=%.1f ms%n", latencies.size(),
				percentile(latencies, 0.50), percentile(latencies, 0.99), percentile(latencies, 1.0));
		System.out.printf("flood readers cut off: %d of %d; slow calls answered: %d of %d%n", cut, readers.size(),
				callAnswers.get(), callAbusers * callsEach);
		System.out.printf("server: %d sessions, %d topics%n", server.getSessionCount(),
				server.getTopicSubscriberCounts().size());
		try {
			// only where the limits exist
			Object metrics = server.getMetrics();
			System.out.printf("publishes slowed: %s, slow-session closes: %s%n",
					metrics.getClass().getMethod("getPublishesSlowed").invoke(metrics),
					metrics.getClass().getMethod("getSlowSessionCloses").invoke(metrics));
		}
		catch (ReflectiveOperationException ex) {
			System.out.println("slow-session closes: " + server.getMetrics().getSlowSessionCloses());
		}
		pool.shutdownNow();
	}

	private static boolean allDone(List<Future<?>> work) {
		return work.stream().allMatch(Future::isDone);
	}

	private static double percentile(List<Long> sorted, double p) {
		if (sorted.isEmpty()) {
			return Double.NaN;
		}
		int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
		return sorted.get(Math.max(0, index)) / 1e6;
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(200);
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class AbuseApplication {

		@Bean
		AbuseProcedures abuseProcedures() {
			return new AbuseProcedures();
		}

	}

	static class AbuseProcedures {

		@WampProcedure("http://example.com/abuse#echo")
		Object echo(Object value) {
			return value;
		}

		@WampProcedure("http://example.com/abuse#slow")
		String slow() throws InterruptedException {
			Thread.sleep(500);
			return "slow";
		}

	}

	static final class Client {

		private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

		private final WebSocketSession session;

		volatile CloseStatus closeStatus;

		Client(int port) throws Exception {
			WebSocketContainer container = ContainerProvider.getWebSocketContainer();
			container.setDefaultMaxTextMessageBufferSize(64 * 1024);
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setSecWebSocketProtocol("wamp");
			this.session = new StandardWebSocketClient(container).execute(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) {
					// readers keep only a count's worth: the flood itself is not kept
					if (!message.getPayload().startsWith("[8,")) {
						Client.this.received.add(message.getPayload());
					}
				}

				@Override
				public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
					Client.this.closeStatus = status;
				}

			}, headers, URI.create("ws://127.0.0.1:" + port + "/wamp")).get(10, TimeUnit.SECONDS);
			next(10);
		}

		void send(String frame) throws Exception {
			synchronized (this.session) {
				this.session.sendMessage(new TextMessage(frame));
			}
		}

		String next(int seconds) throws InterruptedException {
			String text = this.received.poll(seconds, TimeUnit.SECONDS);
			if (text == null) {
				throw new IllegalStateException("no answer within " + seconds + " s");
			}
			return text;
		}

	}

}
