package io.pubsubclub.wamp;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What the WAMP server's integration tests use of the node a subclass's
 * {@code @SpringBootTest} starts (a {@link WampTestApplication} on a random port): the
 * port, the server, its metrics and its publisher.
 */
abstract class WampServerTestBase {

	@LocalServerPort
	int port;

	@Autowired
	WampServer server;

	@Autowired
	WampServerMetrics metrics;

	@Autowired
	WampPublisher publisher;

}
