/**
 * WebSocket plumbing shared by the WAMP server and the cluster links.
 */
@NullMarked
package io.pubsubclub.support;

import org.jspecify.annotations.NullMarked;
