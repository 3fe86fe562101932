/**
 * The PubSubClub cluster protocol (PSC): its codec, the link state machine (handshake,
 * subscription sync, forwarding) and the producer and consumer roles. Reaches the WAMP
 * server only through {@link io.pubsubclub.wamp.event}; never touches sockets itself.
 */
@NullMarked
package io.pubsubclub.cluster;

import org.jspecify.annotations.NullMarked;
