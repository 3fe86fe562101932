/**
 * Peer sources for the cluster: a watcher that follows the nodes a Spring Cloud
 * {@code DiscoveryClient} knows and hands additions and removals to a
 * {@link io.pubsubclub.discovery.PeerRegistrar}, and the service-instance metadata
 * through which a node announces its cluster port and node id.
 */
@NullMarked
package io.pubsubclub.discovery;

import org.jspecify.annotations.NullMarked;
