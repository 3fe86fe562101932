package io.pubsubclub.benchmarks.relay;

/**
 * Where a relay sends what it receives.
 */
interface Relay {

	void forward(String frame);

	default void close() {
	}

}
