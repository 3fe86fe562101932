package io.pubsubclub.redis;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The redis-servers and the backplane nodes of one test, for a test class to register as
 * an instance {@code @RegisterExtension} field. After each test the nodes are closed
 * first, so that none is left reconnecting to a server that is gone, then the servers
 * (killed, their directories deleted), even when closing a node failed.
 */
final class RedisTestBed implements AfterEachCallback {

	final RedisServers servers = new RedisServers();

	final RedisTestNodes nodes = new RedisTestNodes();

	@Override
	public void afterEach(ExtensionContext context) {
		try {
			this.nodes.close();
		}
		finally {
			this.servers.close();
		}
	}

}
