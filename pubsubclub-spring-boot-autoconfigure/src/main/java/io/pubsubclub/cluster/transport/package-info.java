/**
 * The sockets of the cluster: the WebSocket server on the cluster port and the
 * reconnecting client connector that dials the cluster servers.
 */
@NullMarked
package io.pubsubclub.cluster.transport;

import org.jspecify.annotations.NullMarked;
