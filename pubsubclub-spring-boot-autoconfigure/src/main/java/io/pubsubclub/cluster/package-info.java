/**
 * The PubSubClub cluster protocol (PSC): its codec, the link state machine (handshake,
 * subscription sync, forwarding) and the producer and consumer roles. Reaches the WAMP
 * server only through {@link io.pubsubclub.wamp.event}; never touches sockets itself.
 * <p>
 * Identity locks: a {@code PeerLink}'s monitor may be held while {@code ClusterLinks}
 * takes its claim lock (one ready link per far node); that lock is a leaf, nothing is
 * called while it is held, and the dialled servers a released claim wakes are called
 * through the scheduler, never on the closing thread.
 */
@NullMarked
package io.pubsubclub.cluster;

import org.jspecify.annotations.NullMarked;
