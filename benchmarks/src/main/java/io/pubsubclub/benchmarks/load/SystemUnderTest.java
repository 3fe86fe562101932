package io.pubsubclub.benchmarks.load;

import java.util.List;

/**
 * One of the four systems measured: where the publisher connects, where the subscribers
 * connect, which processes do the work (their CPU is counted), and which one holds the
 * subscribers' connections (its heap is measured).
 */
final class SystemUnderTest {

	final String label;

	final String name;

	final int publisherPort;

	final String publisherPath;

	final int subscriberPort;

	final String subscriberPath;

	/** Whether this system speaks WAMP: offer the subprotocol and subscribe to the topic. */
	final boolean wamp;

	final List<ServerProcess> processes;

	final ServerProcess subscriberNode;

	/** Why this system cannot be measured, or {@code null}. */
	String unavailable;

	/** How long the warm-up took until the figures settled, in seconds; NaN before it ran. */
	double warmupSeconds = Double.NaN;

	/** What the warm-up found, per payload: settled after how many intervals, or not. */
	String warmupNote = "";

	SystemUnderTest(String label, String name, ServerProcess publisherNode, String publisherPath,
			ServerProcess subscriberNode, String subscriberPath, boolean wamp, List<ServerProcess> processes) {
		this.label = label;
		this.name = name;
		this.publisherPort = publisherNode.port;
		this.publisherPath = publisherPath;
		this.subscriberPort = subscriberNode.port;
		this.subscriberPath = subscriberPath;
		this.wamp = wamp;
		this.processes = processes;
		this.subscriberNode = subscriberNode;
	}

	private SystemUnderTest(String label, String name) {
		this.label = label;
		this.name = name;
		this.publisherPort = 0;
		this.publisherPath = "";
		this.subscriberPort = 0;
		this.subscriberPath = "";
		this.wamp = false;
		this.processes = List.of();
		this.subscriberNode = null;
		this.unavailable = "not selected (--systems)";
	}

	static SystemUnderTest skipped(String label, String name) {
		return new SystemUnderTest(label, name);
	}

	String subprotocol() {
		return this.wamp ? "wamp" : null;
	}

}
