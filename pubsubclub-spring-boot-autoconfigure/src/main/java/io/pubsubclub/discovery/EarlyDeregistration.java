package io.pubsubclub.discovery;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.serviceregistry.AbstractAutoServiceRegistration;
import org.springframework.context.SmartLifecycle;

/**
 * Takes this node out of the service registry before its cluster server and web server
 * stop.
 * <p>
 * Spring Cloud's auto-registration deregisters only when its bean is destroyed, after
 * every lifecycle of the context has stopped, so other nodes would keep finding this one
 * in the registry and redialling its closed cluster port until their debounce drops it.
 * Stopping the auto-registration in a phase that stops before the cluster server's and
 * the web server's deregisters first; the auto-registration's own later stop finds it no
 * longer running and does nothing.
 *
 * @author PubSubClub
 */
public class EarlyDeregistration implements SmartLifecycle {

	/**
	 * Phase of the early deregistration: stops after the cluster's client connector
	 * (default phase) and before the web server's graceful shutdown, the web server and
	 * the cluster server.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private static final Log logger = LogFactory.getLog(EarlyDeregistration.class);

	private final ObjectProvider<AbstractAutoServiceRegistration<?>> registrations;

	private volatile boolean running;

	/**
	 * Create an early deregistration.
	 * @param registrations the application's auto-registrations to stop
	 */
	public EarlyDeregistration(ObjectProvider<AbstractAutoServiceRegistration<?>> registrations) {
		this.registrations = registrations;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.registrations.orderedStream()
			.filter(AbstractAutoServiceRegistration::isRunning)
			.forEach(this::deregister);
	}

	private void deregister(AbstractAutoServiceRegistration<?> registration) {
		logger.info("Deregistering this node from service discovery ("
				+ registration.getClass().getSimpleName() + ") before its cluster and web servers stop");
		try {
			registration.stop();
		}
		catch (RuntimeException ex) {
			// the registry's own expiry (or the other nodes' debounce) will drop this node
			logger.warn("Deregistration through " + registration.getClass().getSimpleName() + " failed", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
