/**
 * The WAMP server (v1, and v2 beside it): frame codec, sessions, topic registry, RPC and the
 * WebSocket handler.
 * Knows nothing of the cluster.
 * <p>
 * The handler ({@code WampWebSocketHandler}) is the transport; {@code WampMessageDispatcher}
 * reads each message and hands it on; {@code WampCallInvoker} runs procedures;
 * {@code WampAccessRules} authorises a session's subscribe, publish and call;
 * {@code WampServer} holds the sessions ({@code WampSessions}: ids, opening, closing), the
 * checks every subscribe and publish passes ({@code WampRequestChecks}) and the limits,
 * {@code WampTopicRegistry} the topics and their delivery; {@code WampTextAssembler} puts messages together from their parts and
 * {@code WampSessionCloser} closes sessions. WAMP v2 ({@code wamp.2.json}) is served by the
 * {@code Wamp2*} classes beside v1 in the same registry: {@code Wamp2Dispatcher} (sessions),
 * {@code Wamp2Broker} (with {@code Wamp2PublishReader}, which reads a PUBLISH without a
 * tree, as {@code PublishReader} does for v1), {@code Wamp2Dealer}, {@code Wamp2Auth}. They stay in this package:
 * they work on the package-private session, registry, limits and call invoker, which a
 * {@code wamp.v2} package could reach only if those were made public.
 * <p>
 * Locks, in the order they may be taken: the registry's subscription lock (subscription
 * changes, and the bridge events they publish), then a session's {@code CallQueue} or
 * {@code PublishBudget} monitor, each held only for its own bookkeeping: nothing is sent,
 * started or scheduled while one is held. The refusal log's lock
 * ({@code io.pubsubclub.support.RateLimitedLog}) is a leaf, taken with none of these held. A call's own monitor guards only its running
 * thread. {@code WampTimer}'s monitor is a leaf too (it only creates or stops the executor).
 * The server's timer runs call timeouts and the resumption of slowed readers; the
 * handler's close threads run closes; neither runs procedures.
 */
@NullMarked
package io.pubsubclub.wamp;

import org.jspecify.annotations.NullMarked;
