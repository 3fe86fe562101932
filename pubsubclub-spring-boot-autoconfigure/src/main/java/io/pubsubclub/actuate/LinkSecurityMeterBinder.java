package io.pubsubclub.actuate;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.pubsubclub.cluster.transport.LinkAuthenticator;
import io.pubsubclub.cluster.transport.LinkSecurity;

/**
 * {@link MeterBinder} for cluster links refused on the upgrade:
 * {@code pubsubclub.cluster.link.refusals} tagged with the {@code reason} (one of the
 * six of {@link LinkAuthenticator.Reason}); all zero on a node without a secret.
 *
 * @author PubSubClub
 */
public class LinkSecurityMeterBinder implements MeterBinder {

	private final LinkSecurity security;

	/**
	 * Create the binder.
	 * @param security the links' security
	 */
	public LinkSecurityMeterBinder(LinkSecurity security) {
		this.security = security;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (LinkAuthenticator.Reason reason : LinkAuthenticator.Reason.values()) {
			FunctionCounter.builder("pubsubclub.cluster.link.refusals", this.security, (security) -> {
				LinkAuthenticator authenticator = security.authenticator();
				return (authenticator != null) ? authenticator.refusals(reason) : 0;
			})
				.description("Cluster links refused on the upgrade (authentication), by reason")
				.tag("reason", reason.tag())
				.register(registry);
		}
	}

}
