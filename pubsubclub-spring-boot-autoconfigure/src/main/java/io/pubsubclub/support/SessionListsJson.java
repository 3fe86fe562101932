package io.pubsubclub.support;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * The options object that carries a publish's session lists between nodes: PSC 1.2's
 * 301 options (PROTOCOL.md) and the Redis backplane's envelope use the same form,
 * {@code {"exclude":[...],"eligible":[...],"v2":true}}, each member only when present.
 *
 * @author PubSubClub
 */
public final class SessionListsJson {

	private SessionListsJson() {
	}

	/**
	 * Return the options object.
	 * @param exclude the session ids to exclude, or {@code null} for none
	 * @param eligible the session ids eligible, or {@code null} for all
	 * @param v2 whether the event is a WAMP v2 {@code {"args","kwargs"}} wrapper
	 * @return the JSON object
	 */
	public static String options(@Nullable Collection<String> exclude, @Nullable Collection<String> eligible,
			boolean v2) {
		StringBuilder json = new StringBuilder("{");
		if (exclude != null) {
			ids(json.append("\"exclude\":"), exclude);
		}
		if (eligible != null) {
			ids(json.append((exclude != null) ? ",\"eligible\":" : "\"eligible\":"), eligible);
		}
		if (v2) {
			json.append((json.length() > 1) ? ",\"v2\":true" : "\"v2\":true");
		}
		return json.append('}').toString();
	}

	private static void ids(StringBuilder json, Collection<String> ids) {
		json.append('[');
		boolean first = true;
		for (String id : ids) {
			json.append(first ? "\"" : ",\"");
			JsonStringEncoder.getInstance().quoteAsString(id, json);
			json.append('"');
			first = false;
		}
		json.append(']');
	}

}
