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

	private volatile Throwable outage;

	private volatile java.util.function.Consumer<String> onRead = (serviceId) -> {
	};

	@Override
	public String description() {
		return "test discovery client";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		this.onRead.accept(serviceId);
		Throwable outage = this.outage;
		if (outage instanceof Error error) {
			throw error;
		}
		if (outage != null) {
			throw (RuntimeException) outage;
		}
		synchronized (this) {
			return read(serviceId);
		}
	}

	private List<ServiceInstance> read(String serviceId) {
		return new ArrayList<>(this.instances.getOrDefault(serviceId, List.of()));
	}

	@Override
	public synchronized List<String> getServices() {
		return new ArrayList<>(this.instances.keySet());
	}

	synchronized void set(String serviceId, ServiceInstance... instances) {
		this.instances.put(serviceId, List.of(instances));
	}

	/** Run on the reading thread each time the list is read, before it is read. */
	void onRead(java.util.function.Consumer<String> onRead) {
		this.onRead = onRead;
	}

	void outage(Throwable outage) {
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
