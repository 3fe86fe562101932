/**
 * The WAMP endpoint's own WebSocket transport: RFC 6455 over the Servlet API's HTTP
 * upgrade and non-blocking I/O, so that a WAMP session costs little more than its socket
 * (no per-session message, decoding and encoding buffers) and an EVENT is encoded once
 * for all its subscribers and written to each in batches.
 * <p>
 * Threads and locks: a connection's frames are read on the container's thread for it, one
 * read at a time. Frames are written by whichever thread holds the connection's write
 * token (an atomic flag, never a lock), outside any lock; the container's write callback
 * takes the token the same way. Nothing here holds a lock while it calls the handler.
 */
@NullMarked
package io.pubsubclub.wamp.transport;

import org.jspecify.annotations.NullMarked;
