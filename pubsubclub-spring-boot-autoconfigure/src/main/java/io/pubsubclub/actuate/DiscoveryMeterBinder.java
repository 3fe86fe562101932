package io.pubsubclub.actuate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.discovery.DiscoveryPeerWatcher;

/**
 * {@link MeterBinder} for the discovery watcher: the peers it knows, its refreshes of the
 * instance list, the refreshes that failed because the registry could not be reached, and
 * the instances it skipped for lack of PubSubClub metadata.
 *
 * @author PubSubClub
 */
public class DiscoveryMeterBinder implements MeterBinder {

	private final DiscoveryPeerWatcher watcher;

	/**
	 * Create the binder.
	 * @param watcher the discovery watcher
	 */
	public DiscoveryMeterBinder(DiscoveryPeerWatcher watcher) {
		this.watcher = watcher;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("pubsubclub.discovery.peers", this.watcher, (watcher) -> watcher.getPeers().size())
			.description("Cluster servers known from the DiscoveryClient")
			.register(registry);
		FunctionCounter
			.builder("pubsubclub.discovery.refreshes", this.watcher, DiscoveryPeerWatcher::getRefreshCount)
			.description("Reads of the instance list")
			.register(registry);
		FunctionCounter
			.builder("pubsubclub.discovery.failures", this.watcher, DiscoveryPeerWatcher::getFailureCount)
			.description("Reads of the instance list that failed; the last known peers were kept")
			.register(registry);
		Gauge.builder("pubsubclub.discovery.skipped", this.watcher, DiscoveryPeerWatcher::getSkippedInstanceCount)
			.description("Instances skipped because they announce no cluster port")
			.register(registry);
	}

}
