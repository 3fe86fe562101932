/**
 * The event-publisher bridge between the WAMP server and whatever spreads its
 * publishes further (the cluster): Spring application events the server publishes and
 * {@link io.pubsubclub.wamp.event.LocalSubscribers}, through which events from elsewhere
 * reach local subscribers.
 */
@NullMarked
package io.pubsubclub.wamp.event;

import org.jspecify.annotations.NullMarked;
