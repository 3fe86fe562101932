/**
 * WebSocket plumbing shared by the WAMP server and the cluster links.
 * <p>
 * {@link io.pubsubclub.support.OutboundBuffer} takes no lock: a frame is counted before
 * it is queued and uncounted by whichever thread takes it off the queue (the writer, or
 * {@code close()} dropping it; see {@code FrameQueue}), so the count never goes below
 * zero and nothing stays queued once the buffer is closed. {@code send} never blocks and
 * never throws: an overflow is reported to its callback and the session closed on the
 * close executor, or on a thread of its own (counted) when that executor refuses
 * ({@code SessionCloser}).
 * <p>
 * {@link io.pubsubclub.support.RateLimitedLog} writes what clients or peers can repeat
 * without end within bounds; its lock is a leaf.
 */
@NullMarked
package io.pubsubclub.support;

import org.jspecify.annotations.NullMarked;
