package io.pubsubclub.sample;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.pubsubclub.sample.DemoProceduresTests.Client;
import io.pubsubclub.wamp.WampServer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's publish procedure publishes on the caller's behalf, so the caller's publish
 * rules hold for it as for its own PUBLISH: calling it is no way around them.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "pubsubclub.wamp.topics.publish=http://example.com/chat#*" })
class DemoPublishRulesTests {

	private static final String OPEN = "http://example.com/chat#room";

	private static final String CLOSED = "http://example.com/admin#notices";

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Test
	void publishProcedureFollowsTheCallersPublishRules() throws Exception {
		Client caller = new Client(this.port);
		Client reader = new Client(this.port);
		try {
			reader.send("[5,\"" + CLOSED + "\"]");
			reader.send("[5,\"" + OPEN + "\"]");
			await().atMost(10, TimeUnit.SECONDS).until(() -> this.server.getTopicSubscriberCounts().size() == 2);
			caller.send("[2,\"c1\",\"http://example.com/pubsub#publish\",{\"channel\":\"" + CLOSED
					+ "\",\"content\":\"sneaky\"}]");
			assertThat(caller.next()).isEqualTo("[4,\"c1\",\"http://api.wamp.ws/error#not-authorized\","
					+ "\"Not authorized to publish on " + CLOSED + ".\"]");
			caller.send("[2,\"c2\",\"http://example.com/pubsub#publish\",{\"channel\":\"" + OPEN
					+ "\",\"content\":\"hello\"}]");
			assertThat(caller.next()).isEqualTo("[3,\"c2\",{}]");
			// the reader's first event is the allowed one: the refused one never came
			assertThat(reader.next()).isEqualTo("[8,\"" + OPEN + "\",\"hello\"]");
		}
		finally {
			caller.session.close();
			reader.session.close();
		}
	}

}
