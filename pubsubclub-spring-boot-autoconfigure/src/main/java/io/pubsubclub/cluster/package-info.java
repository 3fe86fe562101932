/**
 * The PubSubClub cluster protocol (PSC): its codec, the link state machine (handshake,
 * subscription sync, forwarding) and the producer and consumer roles. Reaches the WAMP
 * server only through {@link io.pubsubclub.wamp.event}; never touches sockets itself.
 * <p>
 * <b>Classes.</b> {@link io.pubsubclub.cluster.ClusterLinks} holds every link of the node
 * and hands the roles to {@code Forwarding} (producer: who asked for which topic, the
 * forwarding of each publish, the {@code Sequencer} of PSC 1.2) and {@code Subscriptions}
 * (consumer: the local topics sent to every producer, delivery, the {@code ResumeState});
 * {@code LinkClaims} keeps one ready link per far node. One link is a
 * {@link io.pubsubclub.cluster.PeerLink} (its state machine) with {@code LinkSender}
 * (its sending), {@code AfterUnlock} (the calls out collected under its lock),
 * {@code LinkFrames} (where a frame goes), {@code LinkHandshake} (101/102),
 * {@code LinkTopics} (201/202/203 on either side), {@code LinkResume} and
 * {@code ResumeOutbox} (PSC 1.2), {@code LinkDelivery} (events to the local
 * subscribers), {@code LinkFarSide} (who is at the far end) and {@code LinkTraffic}.
 * <p>
 * <b>Locks</b>, in the only order in which one is taken while another is held:
 * <ol>
 * <li>the subscription lock of {@code Subscriptions} (subscription changes and the sync
 * of a consumer link that just became ready);</li>
 * <li>a {@link io.pubsubclub.cluster.PeerLink}'s own monitor (its state, and the order of
 * its frames; {@code LinkFrames}, {@code LinkHandshake}, {@code LinkTopics} and
 * {@code LinkResume} run under it);</li>
 * <li>the claim lock of {@code LinkClaims} (one ready link per far node): a leaf, nothing
 * is called while it is held, and the dialled servers a released claim wakes are called
 * through the scheduler, never on the closing thread.</li>
 * </ol>
 * The {@code Sequencer}'s lock is a leaf as well, and taken under none of the above.
 * With a link's lock held, the link only changes its own state, queues frames on its
 * channel (an {@link io.pubsubclub.support.OutboundBuffer}, which takes no lock and never
 * blocks) and updates the {@code Forwarding} map with atomic {@code compute} steps.
 * What calls out of the link, closing its session or telling the dialled server the
 * link is ready, is collected under the lock and run once it is released. Events are
 * handed to the local subscribers under a link's delivery lock ({@code LinkDelivery})
 * only, taken with no other lock held, so that a newer link from the same producer can wait out a delivery
 * in progress before it delivers. Gap reports (which call the application's listeners)
 * are made with no lock held. Nothing in this package blocks on a socket.
 * <p>
 * PSC 1.2 (resume after a link drop): the producer's {@code Sequencer} is the one
 * ordering point of forwarded publishes. Under its lock a publish's 1.2 consumer links
 * are read, it gets its sequence number, goes into the {@code ReplayBuffer} and onto the
 * queue of each of those links' {@code ResumeOutbox}; a 203 subscribes its link and
 * starts its replay under the same lock, and a replay reads its batches from the buffer
 * under it. Nothing is sent and no other component is called under it (it only reads
 * the lock-free map of consumers by topic). The outboxes are drained after it is
 * released, one thread per link at a time.
 */
@NullMarked
package io.pubsubclub.cluster;

import org.jspecify.annotations.NullMarked;
