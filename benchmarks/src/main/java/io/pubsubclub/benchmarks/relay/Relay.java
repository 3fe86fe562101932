package io.pubsubclub.benchmarks.relay;

/**
 * Where a relay sends what it receives.
 */
interface Relay {

	Relay NONE = new Relay() {

		@Override
		public void forward(String frame) {
		}

	};

	void forward(String frame);

	default void close() {
	}

}
