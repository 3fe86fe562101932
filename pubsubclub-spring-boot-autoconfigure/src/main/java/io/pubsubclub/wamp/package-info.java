/**
 * The WAMPv1 server: frame codec, sessions, topic registry, RPC and the WebSocket handler.
 * Knows nothing of the cluster.
 */
@NullMarked
package io.pubsubclub.wamp;

import org.jspecify.annotations.NullMarked;
