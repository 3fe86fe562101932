package io.pubsubclub.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.pubsubclub.cluster.TestNodes.Node;
import io.pubsubclub.discovery.DiscoveredPeer;
import io.pubsubclub.discovery.DiscoveryMetadata;
import io.pubsubclub.discovery.DiscoveryPeerWatcher;
import io.pubsubclub.discovery.PeerRegistrar;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A registry for one consumer, listing the producer at the given address, read by a
 * {@link DiscoveryPeerWatcher} every 100 ms that adds and removes the consumer's peers;
 * an outage makes every read fail.
 */
final class FailingRegistry implements DiscoveryClient {

	private final List<ServiceInstance> instances;

	private final DiscoveryPeerWatcher watcher;

	private volatile boolean outage;

	final AtomicLong failedReads = new AtomicLong();

FailingRegistry(Node consumer, PeerAddress producerAddress, Node producer) {
		this.instances = List.of(new DefaultServiceInstance("producer", "pubsubclub", producerAddress.host(), 8080,
				false, DiscoveryMetadata.of(producerAddress.port(), producer.cluster().state().nodeId())));
		PeerRegistrar registrar = new PeerRegistrar() {

			@Override
			public void add(DiscoveredPeer peer) {
				consumer.peers().add(new PeerAddress(peer.host(), peer.port()));
			}

			@Override
			public void remove(DiscoveredPeer peer) {
				consumer.peers().remove(new PeerAddress(peer.host(), peer.port()));
			}

		};
		this.watcher = new DiscoveryPeerWatcher(this, "pubsubclub", registrar,
				() -> consumer.cluster().state().nodeId(), Duration.ofMillis(100), Duration.ZERO);
		this.watcher.start();
	}

	void outage(boolean on) {
		this.outage = on;
	}

	void stop() {
		this.watcher.stop();
	}

	@Override
	public String description() {
		return "fault test registry";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		if (this.outage) {
			this.failedReads.incrementAndGet();
			throw new IllegalStateException("registry unreachable");
		}
		return this.instances;
	}

	@Override
	public List<String> getServices() {
		return List.of("pubsubclub");
	}

}
