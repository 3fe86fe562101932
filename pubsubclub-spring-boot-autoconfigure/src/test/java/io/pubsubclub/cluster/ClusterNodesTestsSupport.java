package io.pubsubclub.cluster;

import java.io.IOException;

/**
 * Helpers shared by cluster tests in other packages.
 */
public final class ClusterNodesTestsSupport {

	private ClusterNodesTestsSupport() {
	}

	public static int freePort() throws IOException {
		return ClusterNodesTests.freePort();
	}

}
