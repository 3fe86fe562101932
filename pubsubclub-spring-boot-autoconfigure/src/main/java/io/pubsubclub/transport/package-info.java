/**
 * The starter's own WebSocket transport, used by the WAMP endpoint and by the cluster
 * server's accepted links (it knows neither protocol: a connection hands complete text
 * messages to a {@link org.springframework.web.socket.WebSocketHandler}): RFC 6455 over
 * Tomcat's HTTP upgrade and non-blocking socket, so that a session costs little more than
 * its socket (no per-session message, decoding and encoding buffers) and an EVENT is
 * encoded once for all its subscribers and written to each in batches. It drives Tomcat's
 * internal upgrade handler, not the Servlet upgrade API, which on Tomcat 11 can neither
 * close a silent peer's socket from a timer nor stop reading without spinning (measured,
 * docs/tuning.md); hence the version check in
 * {@link io.pubsubclub.transport.TomcatUpgradeStrategy}.
 * <p>
 * Classes: {@link io.pubsubclub.transport.TomcatConnection} (a connection's lifecycle,
 * from Tomcat's events to the handler's), {@link io.pubsubclub.transport.ConnectionCloser}
 * (its closing: handshake, failure, a slow consumer's cut with its grace, the one close of
 * the socket), {@link io.pubsubclub.transport.ConnectionReader} (the
 * read loop and what each frame does), {@link io.pubsubclub.transport.ConnectionSender}
 * (sending within the limits), {@link io.pubsubclub.transport.CloseFrames} (close frames'
 * payloads, for both sides), {@link io.pubsubclub.transport.WebSocketMessages} (Spring's
 * messages to and from frames, for both sides), {@link io.pubsubclub.transport.FrameReader}
 * (decoding, with {@link io.pubsubclub.transport.Utf8Validator}),
 * {@link io.pubsubclub.transport.FrameWriter} (the queue and the non-blocking writes),
 * {@link io.pubsubclub.transport.WriteBatch} (writes deferred to the end of a run of
 * events), {@link io.pubsubclub.transport.StallWatch} and
 * {@link io.pubsubclub.transport.IdleWatch} (the send-time limit and the idle timeout,
 * one periodic sweep each). {@link io.pubsubclub.transport.ClientConnection} is the client
 * side, for the few connections a node dials (cluster links): a blocking socket, TLS by
 * {@code SSLSocket}, its handshake in {@link io.pubsubclub.transport.ClientHandshake}, its
 * writes in {@link io.pubsubclub.transport.BlockingWriter}, its frames masked by
 * {@link io.pubsubclub.transport.MaskedFrame} and read by {@code FrameReader} in client mode,
 * its sending limits in {@link io.pubsubclub.transport.ClientSender} and its closing
 * handshake in {@link io.pubsubclub.transport.ClientClosing}.
 * Their bounds are in their Javadoc; the conformance suite
 * ({@code AbstractConformanceTests}) holds the transport to what Tomcat's JSR-356
 * implementation does.
 * <p>
 * Threads and locks: a connection's frames are read on the container's thread for it, one
 * read at a time, under the socket wrapper's lock that Tomcat holds while it dispatches the
 * connection's events. Frames are written by whichever thread holds the connection's write
 * token (an atomic counter, never a lock), which then takes the socket wrapper's lock with
 * {@code tryLock} (never waiting: when Tomcat holds it, the write is handed to Tomcat's
 * thread by a dispatched write event); the socket is closed under that lock too, so no
 * write or read runs beside the close that returns Tomcat's channel to its pool. Lock
 * order: the socket wrapper's lock, then a connection's {@code ConnectionSender} monitor (held
 * only to queue a frame atomically against the close frame); no lock is held while the
 * handler is called, and nothing here blocks on a timer or I/O thread.
 * <p>
 * A dialled connection has two threads of its own: the reader, which blocks on the socket,
 * hands each message to the handler with a {@link io.pubsubclub.transport.WriteBatch} open
 * around each read (so what it sends to the server's connections goes out at the end of
 * that read, on the reader) and alone reports the connection's end; and the writer, which
 * blocks on the socket's writes and nothing else. Other threads only queue frames, start a
 * close, or close the socket (which ends both); the monitor of its {@code ClientClosing}
 * is held only to queue a frame atomically against the close frame, and never while
 * anything else is called. One timer thread for all of them ({@code ClientWatch}) checks
 * the send-time limit and the closing handshake's, and only closes sockets.
 */
@NullMarked
package io.pubsubclub.transport;

import org.jspecify.annotations.NullMarked;
