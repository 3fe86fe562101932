/**
 * Who a WAMP session is and what it may do: WAMP-CRA (challenge-response authentication
 * over the two procedures {@code http://api.wamp.ws/procedure#authreq} and
 * {@code #auth}, as Autobahn 0.8 and AutobahnJS 0.8 do it), the per-session permissions
 * it grants, and the {@link io.pubsubclub.wamp.auth.WampAuthorizer} hook that decides
 * subscribe, publish and call.
 * <p>
 * Depends on {@link io.pubsubclub.wamp} only for {@link io.pubsubclub.wamp.WampSession}
 * and {@link io.pubsubclub.wamp.WampRpcException}. Lock order: a session's
 * {@link io.pubsubclub.wamp.auth.WampAuthState} lock is taken alone; nothing is called
 * (credentials, scheduler, sends, closes) while it is held. The
 * {@link io.pubsubclub.wamp.auth.WampCraThrottle}'s two map locks and the refusal log's
 * lock are leaves too: each is taken with no other held and held for its own bookkeeping
 * only.
 */
@NullMarked
package io.pubsubclub.wamp.auth;

import org.jspecify.annotations.NullMarked;
