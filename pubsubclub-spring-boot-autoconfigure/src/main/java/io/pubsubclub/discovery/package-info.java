/**
 * Peer sources for the cluster: a watcher that follows the nodes a Spring Cloud
 * {@code DiscoveryClient} knows and hands additions and removals to a
 * {@link io.pubsubclub.discovery.PeerRegistrar}, and the service-instance metadata
 * through which a node announces its cluster port and node id.
 * <p>
 * The watcher takes no lock: every read of the registry, every call to the registrar
 * and every change to its own maps happens on its one discovery thread (the maps are
 * concurrent only for the readers outside it, and for {@code stop()}, which runs once
 * that thread is gone). Nothing thrown there, an {@link Error} included, ends the poll.
 */
@NullMarked
package io.pubsubclub.discovery;

import org.jspecify.annotations.NullMarked;
