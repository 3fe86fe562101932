/**
 * The sockets of the cluster: the WebSocket server on the cluster port and the
 * reconnecting client connector that dials the cluster servers.
 * <p>
 * <b>Locks</b>: {@code ClusterClient}, then {@code Dialer}; a dialer never calls the
 * client with its own lock held (it hands a self-link to the scheduler), and neither
 * holds its lock while it closes a session, dials, sends a ping or calls a link (with it
 * held they only touch their own fields and lock-free sets and schedule timers). Both rank
 * after the {@code io.pubsubclub.cluster} locks in the sense that none of them is taken
 * while a link's lock is held: a link tells its dialler it is ready only after it
 * released its own.
 * <p>
 * <b>Threads</b>, and what may block on them:
 * <ul>
 * <li>the cluster scheduler ({@code pubsubclub-cluster-N}): timers only (ping ticks,
 * handshake timeouts, redials, the wait for an undecided role); they decide and hand off,
 * never wait on a socket. A ping is late when its pong has not come within one ping
 * interval of sending it, by the clock, so ticks run late and back to back are harmless;</li>
 * <li>the closers ({@code pubsubclub-client-close-N}, {@code pubsubclub-server-close-N}):
 * session closes, which may wait on a send up to the send-time limit. At shutdown every
 * link is closed at once and the wait shares one deadline, the send-time limit;</li>
 * <li>the send pool {@code pubsubclub-server-send-N}, used only when an accepted link is
 * not on the starter's own transport: batched writes;</li>
 * <li>the container's threads ({@code pubsubclub-server-N}): read accepted links, hand
 * frames to the links and answer pings; they write nothing of their own but the first
 * frame of an idle accepted link, which does not block;</li>
 * <li>dialled links run on the starter's own client transport
 * ({@code io.pubsubclub.transport.ClientConnection}), two threads per link
 * ({@code pubsubclub-link-N}): one reads and hands each frame to the link, and the 301's
 * EVENTs are written to WAMP sessions at the end of that read on the same thread; the
 * other only writes the link's queued frames (pings are queued by the scheduler, which
 * never blocks on them); the dial itself, up to the handshake timeout, runs on
 * {@code pubsubclub-dial-N};</li>
 * <li>accepted links run on the starter's own WebSocket transport
 * ({@code io.pubsubclub.transport}): a frame is written, without blocking, by the
 * thread that sends it (at the end of the read it is handling, when it handles one: a
 * WAMP PUBLISH read on a node's web server) or by the container's write callback, never
 * handed to another thread of ours.</li>
 * </ul>
 */
@NullMarked
package io.pubsubclub.cluster.transport;

import org.jspecify.annotations.NullMarked;
