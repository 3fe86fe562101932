package io.pubsubclub.wamp;

import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The call executor is bounded: a CALL it has no room for is answered busy at once, and
 * counted; the session's next call runs once there is room.
 */
@SpringBootTest(classes = WampTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.calls.pool-size=1",
				"pubsubclub.wamp.calls.queue-capacity=1" })
@DirtiesContext
class WampCallExecutorFullIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampTestApplication.Procedures procedures;

	@Autowired
	@Qualifier("wampCallExecutor")
	ThreadPoolTaskExecutor callExecutor;

	@Test
	void aCallTheFullExecutorCannotTakeIsAnsweredBusy() throws Exception {
		this.procedures.blockRelease = new CountDownLatch(1);
		this.procedures.blockStarted.clear();
		long rejected = this.server.getMetrics().getCallsRejected();
		try (WampTestClient running = WampTestClient.connect(this.port);
				WampTestClient queued = WampTestClient.connect(this.port);
				WampTestClient refused = WampTestClient.connect(this.port)) {
			running.send(2, "a", "http://example.com/rpc#block", "a");
			await().until(() -> this.procedures.blockStarted.size() == 1);
			queued.send(2, "b", "http://example.com/rpc#block", "b");
			// the queued call holds the executor's one queue slot: wait until it is there
			await().until(() -> this.callExecutor.getQueueSize() == 1);
			refused.send(2, "c", "http://example.com/rpc#echo", "c");
			assertThat(refused.nextText())
				.isEqualTo("[4,\"c\",\"" + WampWebSocketHandler.ERROR_BUSY + "\",\"Server busy.\"]");
			assertThat(this.server.getMetrics().getCallsRejected()).isEqualTo(rejected + 1);
			this.procedures.blockRelease.countDown();
			assertThat(running.nextText()).isEqualTo("[3,\"a\",\"a\"]");
			assertThat(queued.nextText()).isEqualTo("[3,\"b\",\"b\"]");
			refused.send(2, "d", "http://example.com/rpc#echo", "d");
			assertThat(refused.nextText()).isEqualTo("[3,\"d\",\"d\"]");
		}
		finally {
			this.procedures.blockRelease.countDown();
		}
	}

}
