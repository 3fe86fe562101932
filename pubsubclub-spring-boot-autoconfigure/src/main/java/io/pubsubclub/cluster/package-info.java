/**
 * The PubSubClub cluster protocol (PSC): its codec, the link state machine (handshake,
 * subscription sync, forwarding) and the producer and consumer roles. Reaches the WAMP
 * server only through {@link io.pubsubclub.wamp.event}; never touches sockets itself.
 * <p>
 * Identity locks: a {@code PeerLink}'s monitor may be held while {@code ClusterLinks}
 * takes its claim lock (one ready link per far node); that lock is a leaf, nothing is
 * called while it is held, and the dialled servers a released claim wakes are called
 * through the scheduler, never on the closing thread.
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
