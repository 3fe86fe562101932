/**
 * The PubSubClub cluster protocol (PSC): its codec, the link state machine (handshake,
 * subscription sync, forwarding) and the producer and consumer roles. Reaches the WAMP
 * server only through {@link io.pubsubclub.wamp.event}; never touches sockets itself.
 * <p>
 * <b>Locks</b>, in the only order in which one is taken while another is held:
 * <ol>
 * <li>{@code ClusterLinks}' subscription lock (subscription changes and the sync of a
 * consumer link that just became ready);</li>
 * <li>a {@link io.pubsubclub.cluster.PeerLink}'s own monitor (its state, and the order of
 * its frames);</li>
 * <li>{@code ClusterLinks}' claim lock (one ready link per far node): a leaf, nothing is
 * called while it is held, and the dialled servers a released claim wakes are called
 * through the scheduler, never on the closing thread.</li>
 * </ol>
 * With a link's lock held, the link only changes its own state, queues frames on its
 * channel (an {@link io.pubsubclub.support.OutboundBuffer}, which takes no lock and never
 * blocks) and updates the {@code ClusterLinks} maps with atomic {@code compute} steps.
 * What calls out of the link, closing its session or telling the dialled server the
 * link is ready, is collected under the lock and run once it is released. Events are
 * handed to the local subscribers under a link's delivery lock only, taken with no
 * other lock held, so that a newer link from the same producer can wait out a delivery
 * in progress before it delivers. Nothing in this package blocks on a socket.
 * <p>
 * PSC 1.2 (resume after a link drop): the producer's {@code Sequencer} is the one
 * ordering point of forwarded publishes. Under its lock a publish gets its sequence
 * number, goes into the {@code ReplayBuffer} and onto the queue of each 1.2 link's
 * {@code ResumeOutbox}; nothing is sent and no other component is called under it (it is
 * a leaf lock, and taken under no other lock of this package). The
 * outboxes are drained after it is released, one thread per link at a time.
 */
@NullMarked
package io.pubsubclub.cluster;

import org.jspecify.annotations.NullMarked;
