/**
 * The Redis backplane: the same bridge as {@link io.pubsubclub.cluster the cluster
 * mesh} (first local subscriber of a topic: its channel subscribed; local publish: to
 * Redis), through Spring Data Redis's Lettuce client, with a history stream per topic
 * from which a node recovers what it missed during a Redis connection drop, and gaps
 * reported as in the cluster. Reaches the WAMP server only through
 * {@link io.pubsubclub.wamp.event}; never imported by {@code cluster} or {@code wamp}.
 * <p>
 * <b>Locks</b>, in the only order in which one is taken while another is held:
 * <ol>
 * <li>{@code RedisSubscriptions}' subscription lock (which channels are subscribed),
 * under which SUBSCRIBE/UNSUBSCRIBE are handed to Lettuce, which queues them without
 * blocking or calling back;</li>
 * <li>{@code RedisPublisher}'s publish lock (a publish's sequence number and its place
 * in Lettuce's queue), a leaf as far as this package goes;</li>
 * <li>a {@code TopicReceiver}'s monitor: a leaf, nothing is called while it is held;
 * events are handed to the local subscribers after it is released.</li>
 * </ol>
 * Nothing in this package blocks a Lettuce thread: replies are handled in callbacks, and
 * retries wait on the backplane's own thread ({@code pubsubclub-redis}), which is also
 * the only one that may block (opening the first connection).
 */
@NullMarked
package io.pubsubclub.redis;

import org.jspecify.annotations.NullMarked;
