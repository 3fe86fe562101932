package io.pubsubclub.discovery;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.cloud.client.serviceregistry.Registration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.Ordered;

/**
 * Puts this node's {@link DiscoveryMetadata cluster port and node id} into the metadata
 * of the {@link Registration} that Spring Cloud's auto-registration is about to make.
 * <p>
 * Auto-registration (Consul, ZooKeeper and others built on
 * {@code AbstractAutoServiceRegistration}) registers when the web server is initialized;
 * this listener runs first on that event and adds the entries to the registration's
 * live metadata map, so they travel with the registration itself. A registry whose
 * {@code Registration} has no writable map until it registers (Spring Cloud ZooKeeper
 * builds it from its discovery properties' metadata map) is reached through that map
 * instead.
 *
 * @author PubSubClub
 */
public class RegistrationMetadataAnnouncer implements SmartApplicationListener {

	private static final Log logger = LogFactory.getLog(RegistrationMetadataAnnouncer.class);

	private final ObjectProvider<Registration> registrations;

	private final Supplier<List<Map<String, String>>> registryMetadata;

	private final LocalNode localNode;

	/**
	 * Create an announcer.
	 * @param registrations the registrations to add the metadata to
	 * @param registryMetadata further live metadata maps that a registry registers this
	 * node with
	 * @param localNode this node
	 */
	public RegistrationMetadataAnnouncer(ObjectProvider<Registration> registrations,
			Supplier<List<Map<String, String>>> registryMetadata, LocalNode localNode) {
		this.registrations = registrations;
		this.registryMetadata = registryMetadata;
		this.localNode = localNode;
	}

	@Override
	public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
		return WebServerInitializedEvent.class.isAssignableFrom(eventType);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		announce();
	}

	/**
	 * Add this node's metadata to every registration in the context.
	 */
	public void announce() {
		Integer port = this.localNode.clusterPort();
		if (port == null) {
			logger.debug("No cluster server on this node, announcing no cluster port");
			return;
		}
		Map<String, String> metadata = DiscoveryMetadata.of(port, this.localNode.nodeId());
		boolean announced = false;
		for (Map<String, String> target : this.registryMetadata.get()) {
			if (!metadata.equals(subset(target, metadata))) {
				target.putAll(metadata);
				logger.info("Announcing " + metadata + " in the registry's metadata");
			}
			announced = true;
		}
		boolean viaRegistry = announced;
		this.registrations.orderedStream().forEach((registration) -> announce(registration, metadata, viaRegistry));
	}

	private void announce(Registration registration, Map<String, String> metadata, boolean viaRegistry) {
		Map<String, String> target = registration.getMetadata();
		if (target != null && metadata.equals(subset(target, metadata))) {
			return;
		}
		try {
			if (target == null) {
				throw new IllegalStateException("it has no metadata map");
			}
			target.putAll(metadata);
			logger.info("Announcing " + metadata + " in the registration '" + registration.getInstanceId()
					+ "' of service '" + registration.getServiceId() + "'");
		}
		catch (RuntimeException ex) {
			if (viaRegistry) {
				logger.debug("Registration '" + registration.getInstanceId()
						+ "' takes no metadata yet, announced through its registry's metadata: " + ex);
				return;
			}
			logger.warn("Cannot announce " + metadata + " in the registration '" + registration.getInstanceId()
					+ "' of service '" + registration.getServiceId()
					+ "', set them through the registry's metadata properties instead: " + ex);
		}
	}

	private static Map<String, String> subset(Map<String, String> map, Map<String, String> keys) {
		Map<String, String> subset = new LinkedHashMap<>();
		keys.keySet().forEach((key) -> {
			String value = map.get(key);
			if (value != null) {
				subset.put(key, value);
			}
		});
		return subset;
	}

}
