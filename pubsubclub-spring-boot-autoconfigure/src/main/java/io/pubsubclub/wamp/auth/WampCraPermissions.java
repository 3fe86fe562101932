package io.pubsubclub.wamp.auth;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * What a WAMP-CRA authenticated session may do, in Autobahn's shape:
 * {@code {pubsub: [{uri, prefix, pub, sub}], rpc: [{uri, call}]}}. A grant matches a
 * URI equal to its {@code uri}, or, with {@code prefix}, every URI starting with it; an
 * operation is allowed when any matching grant allows it. No grants: nothing allowed.
 * <p>
 * The permissions object is the CALLRESULT of a successful {@code auth} and part of the
 * challenge. An {@code rpc} grant by prefix carries {@code "prefix": true}, which
 * Autobahn's RPC grants have no field for; exact ones are exactly Autobahn's.
 *
 * @author PubSubClub
 */
public final class WampCraPermissions {

	/**
	 * No permissions at all.
	 */
	public static final WampCraPermissions NONE = new WampCraPermissions(List.of(), List.of());

	private final List<PubSub> pubsub;

	private final List<Rpc> rpc;

	private WampCraPermissions(List<PubSub> pubsub, List<Rpc> rpc) {
		this.pubsub = List.copyOf(pubsub);
		this.rpc = List.copyOf(rpc);
	}

	/**
	 * Create permissions from grants.
	 * @param pubsub the topic grants
	 * @param rpc the procedure grants
	 * @return the permissions
	 */
	public static WampCraPermissions of(List<PubSub> pubsub, List<Rpc> rpc) {
		return new WampCraPermissions(pubsub, rpc);
	}

	/**
	 * Create permissions from patterns as {@code pubsubclub.wamp.topics.*} takes them:
	 * exact URIs, or prefixes ending in {@code *}. A pattern in both topic lists becomes
	 * one grant with {@code pub} and {@code sub}.
	 * @param subscribe the topics that may be subscribed
	 * @param publish the topics that may be published on
	 * @param call the procedures that may be called
	 * @return the permissions
	 */
	public static WampCraPermissions fromPatterns(Collection<String> subscribe, Collection<String> publish,
			Collection<String> call) {
		Map<String, boolean[]> topics = new LinkedHashMap<>();
		for (String pattern : subscribe) {
			topics.computeIfAbsent(pattern, (p) -> new boolean[2])[0] = true;
		}
		for (String pattern : publish) {
			topics.computeIfAbsent(pattern, (p) -> new boolean[2])[1] = true;
		}
		List<PubSub> pubsub = new ArrayList<>();
		topics.forEach((pattern, subPub) -> pubsub
			.add(new PubSub(stripStar(pattern), pattern.endsWith("*"), subPub[1], subPub[0])));
		List<Rpc> rpc = new ArrayList<>();
		for (String pattern : call) {
			rpc.add(new Rpc(stripStar(pattern), pattern.endsWith("*"), true));
		}
		return new WampCraPermissions(pubsub, rpc);
	}

	private static String stripStar(String pattern) {
		Assert.hasLength(pattern, "A URI pattern must not be empty");
		return pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
	}

	/**
	 * Return the topic grants.
	 * @return the grants
	 */
	public List<PubSub> getPubsub() {
		return this.pubsub;
	}

	/**
	 * Return the procedure grants.
	 * @return the grants
	 */
	public List<Rpc> getRpc() {
		return this.rpc;
	}

	/**
	 * Return whether these permissions allow subscribing to the topic.
	 * @param topic the full topic URI
	 * @return whether a grant allows it
	 */
	public boolean maySubscribe(String topic) {
		for (PubSub grant : this.pubsub) {
			if (grant.sub() && grant.matches(topic)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether these permissions allow publishing on the topic.
	 * @param topic the full topic URI
	 * @return whether a grant allows it
	 */
	public boolean mayPublish(String topic) {
		for (PubSub grant : this.pubsub) {
			if (grant.pub() && grant.matches(topic)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether these permissions allow calling the procedure.
	 * @param procedure the full procedure URI
	 * @return whether a grant allows it
	 */
	public boolean mayCall(String procedure) {
		for (Rpc grant : this.rpc) {
			if (grant.call() && grant.matches(procedure)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return the permissions object as sent to the client.
	 * @return {@code {pubsub: [...], rpc: [...]}}, for JSON
	 */
	public Map<String, Object> toMap() {
		List<Map<String, Object>> pubsub = new ArrayList<>();
		for (PubSub grant : this.pubsub) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("uri", grant.uri());
			entry.put("prefix", grant.prefix());
			entry.put("pub", grant.pub());
			entry.put("sub", grant.sub());
			pubsub.add(entry);
		}
		List<Map<String, Object>> rpc = new ArrayList<>();
		for (Rpc grant : this.rpc) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("uri", grant.uri());
			if (grant.prefix()) {
				entry.put("prefix", true);
			}
			entry.put("call", grant.call());
			rpc.add(entry);
		}
		Map<String, Object> map = new LinkedHashMap<>();
		map.put("pubsub", pubsub);
		map.put("rpc", rpc);
		return map;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof WampCraPermissions that && this.pubsub.equals(that.pubsub)
				&& this.rpc.equals(that.rpc);
	}

	@Override
	public int hashCode() {
		return this.pubsub.hashCode() * 31 + this.rpc.hashCode();
	}

	@Override
	public String toString() {
		return toMap().toString();
	}

	/**
	 * A topic grant.
	 *
	 * @param uri the topic URI, or its prefix
	 * @param prefix whether {@code uri} is a prefix
	 * @param pub whether the session may publish
	 * @param sub whether the session may subscribe
	 */
	public record PubSub(String uri, boolean prefix, boolean pub, boolean sub) {

		boolean matches(String topic) {
			return this.prefix ? topic.startsWith(this.uri) : topic.equals(this.uri);
		}

	}

	/**
	 * A procedure grant.
	 *
	 * @param uri the procedure URI, or its prefix
	 * @param prefix whether {@code uri} is a prefix
	 * @param call whether the session may call
	 */
	public record Rpc(String uri, boolean prefix, boolean call) {

		boolean matches(String procedure) {
			return this.prefix ? procedure.startsWith(this.uri) : procedure.equals(this.uri);
		}

	}

}
