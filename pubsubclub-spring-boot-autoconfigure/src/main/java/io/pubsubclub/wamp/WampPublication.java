package io.pubsubclub.wamp;

import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One publication as the registry delivers it to v1 and v2 subscribers alike, with the
 * payload mapping of WAMP2.md:
 * <ul>
 * <li>the v1 form, {@link #eventJson()}, is what v1 subscribers and the cluster get: a v1
 * event {@code E} as it is; a v2 payload of exactly one argument and no (or empty)
 * keyword arguments as that argument; any other v2 payload as the wrapper
 * {@code {"args": [...], "kwargs": {...}}} ({@link #isWrapped()});</li>
 * <li>the v2 form, {@link #v2Payload}, is the end of a v2 EVENT after its Details:
 * {@code [E]} for a v1 event, the exact Arguments and ArgumentsKw for a v2 one, and the
 * unwrapped wrapper for an event from the cluster flagged {@code "v2"}.</li>
 * </ul>
 * The v2 form and the publication id are made on first use, so a publication that meets
 * no v2 subscriber costs v1 nothing. Filters by authid and authrole apply to every
 * receiver; a session without an authid or authrole is outside every eligible list of
 * that kind.
 *
 * @author PubSubClub
 */
final class WampPublication {

	/** The largest WAMP v2 id, 2^53. */
	static final long MAX_ID = 1L << 53;

	private final String eventJson;

	private final boolean wrapped;

	// the v2 EVENT's end: "" (no arguments), ",[...]" or ",[...],{...}"
	private volatile @Nullable String v2Payload;

	private final @Nullable Long publisher;

	private final @Nullable AuthFilter authFilter;

	private volatile long id;

	private WampPublication(String eventJson, boolean wrapped, @Nullable String v2Payload, @Nullable Long publisher,
			@Nullable AuthFilter authFilter) {
		this.eventJson = eventJson;
		this.wrapped = wrapped;
		this.v2Payload = v2Payload;
		this.publisher = publisher;
		this.authFilter = authFilter;
	}

	/**
	 * A v1 event, or an event from the cluster without the {@code "v2"} flag.
	 */
	static WampPublication v1(String eventJson) {
		return new WampPublication(eventJson, false, null, null, null);
	}

	/**
	 * An event from the cluster, where {@code v2} says the event is the wrapper of a v2
	 * payload.
	 */
	static WampPublication fromCluster(String eventJson, boolean v2) {
		return new WampPublication(eventJson, v2, null, null, null);
	}

	/**
	 * A v2 PUBLISH's payload.
	 * @param argumentsJson the Arguments list as JSON text, {@code null} when absent
	 * @param argumentsKwJson the ArgumentsKw dictionary as JSON text, {@code null} when
	 * absent
	 * @param singleArgumentJson the only argument's JSON text when Arguments holds exactly
	 * one and ArgumentsKw is absent or empty, else {@code null}
	 * @param publisher the publisher's session id when it disclosed itself
	 * @param authFilter the authid and authrole lists, {@code null} for none
	 */
	static WampPublication v2(@Nullable String argumentsJson, @Nullable String argumentsKwJson,
			@Nullable String singleArgumentJson, @Nullable Long publisher, @Nullable AuthFilter authFilter) {
		String v2Payload = ((argumentsJson != null) ? "," + argumentsJson : (argumentsKwJson != null) ? ",[]" : "")
				+ ((argumentsKwJson != null) ? "," + argumentsKwJson : "");
		if (singleArgumentJson != null) {
			return new WampPublication(singleArgumentJson, false, "," + argumentsJson, publisher, authFilter);
		}
		String wrapper = "{\"args\":" + ((argumentsJson != null) ? argumentsJson : "[]") + ",\"kwargs\":"
				+ ((argumentsKwJson != null) ? argumentsKwJson : "{}") + "}";
		return new WampPublication(wrapper, true, v2Payload, publisher, authFilter);
	}

	/**
	 * Return the v1 form: the event v1 subscribers get and the cluster carries.
	 */
	String eventJson() {
		return this.eventJson;
	}

	/**
	 * Return whether the v1 form is the wrapper of a v2 payload (the cluster's
	 * {@code "v2"} flag).
	 */
	boolean isWrapped() {
		return this.wrapped;
	}

	@Nullable AuthFilter authFilter() {
		return this.authFilter;
	}

	/**
	 * Return the publication id, drawn at random in [1, 2^53] on first use.
	 */
	long id() {
		long id = this.id;
		if (id == 0) {
			synchronized (this) {
				id = this.id;
				if (id == 0) {
					id = ThreadLocalRandom.current().nextLong(1, MAX_ID + 1);
					this.id = id;
				}
			}
		}
		return id;
	}

	/**
	 * Return the v2 EVENT for one subscription.
	 * @param subscriptionId the subscription id of the topic
	 * @param jsonMapper the mapper that unwraps an event from the cluster
	 */
	String v2Frame(long subscriptionId, JsonMapper jsonMapper) {
		String details = (this.publisher != null) ? "{\"publisher\":" + this.publisher + "}" : "{}";
		return "[36," + subscriptionId + "," + id() + "," + details + v2Payload(jsonMapper) + "]";
	}

	private String v2Payload(JsonMapper jsonMapper) {
		String payload = this.v2Payload;
		if (payload == null) {
			payload = this.wrapped ? unwrap(this.eventJson, jsonMapper) : ",[" + this.eventJson + "]";
			this.v2Payload = payload;
		}
		return payload;
	}

	/**
	 * The exact Arguments and ArgumentsKw of a wrapper; anything that is not a wrapper is
	 * delivered as the one argument it is.
	 */
	static String unwrap(String wrapper, JsonMapper jsonMapper) {
		try {
			JsonNode node = jsonMapper.readTree(wrapper);
			JsonNode args = (node != null && node.isObject()) ? node.get("args") : null;
			JsonNode kwargs = (node != null && node.isObject()) ? node.get("kwargs") : null;
			if (node != null && node.size() == 2 && args != null && args.isArray() && kwargs != null
					&& kwargs.isObject()) {
				if (!kwargs.isEmpty()) {
					return "," + jsonMapper.writeValueAsString(args) + "," + jsonMapper.writeValueAsString(kwargs);
				}
				return args.isEmpty() ? "" : "," + jsonMapper.writeValueAsString(args);
			}
		}
		catch (JacksonException ex) {
			// not a wrapper: below
		}
		return ",[" + wrapper + "]";
	}

	/**
	 * A v2 publish's authid and authrole lists; a {@code null} list does not restrict.
	 */
	record AuthFilter(@Nullable Set<String> excludeAuthid, @Nullable Set<String> eligibleAuthid,
			@Nullable Set<String> excludeAuthrole, @Nullable Set<String> eligibleAuthrole) {

		boolean allows(@Nullable String authid, @Nullable String authrole) {
			return allows(this.excludeAuthid, this.eligibleAuthid, authid)
					&& allows(this.excludeAuthrole, this.eligibleAuthrole, authrole);
		}

		private static boolean allows(@Nullable Set<String> exclude, @Nullable Set<String> eligible,
				@Nullable String value) {
			if (value == null) {
				return eligible == null;
			}
			return (exclude == null || !exclude.contains(value)) && (eligible == null || eligible.contains(value));
		}

	}

}
