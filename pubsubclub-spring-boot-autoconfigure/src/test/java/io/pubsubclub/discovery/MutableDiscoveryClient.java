package io.pubsubclub.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * A {@link DiscoveryClient} whose instance list a test changes, and which can be made to
 * fail like an unreachable registry.
 */
class MutableDiscoveryClient implements DiscoveryClient {

	private final Map<String, List<ServiceInstance>> instances = new HashMap<>();

	private volatile RuntimeException outage;

	@Override
	public String description() {
		return "test discovery client";
	}

	@Override
	public synchronized List<ServiceInstance> getInstances(String serviceId) {
		RuntimeException outage = this.outage;
		if (outage != null) {
			throw outage;
		}
		return new ArrayList<>(this.instances.getOrDefault(serviceId, List.of()));
	}

	@Override
	public synchronized List<String> getServices() {
		return new ArrayList<>(this.instances.keySet());
	}

	synchronized void set(String serviceId, ServiceInstance... instances) {
		this.instances.put(serviceId, List.of(instances));
	}

	void outage(RuntimeException outage) {
		this.outage = outage;
	}

	static ServiceInstance node(String id, String host, int httpPort, Map<String, String> metadata) {
		DefaultServiceInstance instance = new DefaultServiceInstance(id, "pubsubclub", host, httpPort, false,
				new HashMap<>(metadata));
		instance.setUri(URI.create("http://" + host + ":" + httpPort));
		return instance;
	}

	static ServiceInstance node(String id, String host, int clusterPort, long nodeId) {
		return node(id, host, 8080, DiscoveryMetadata.of(clusterPort, nodeId));
	}

}
