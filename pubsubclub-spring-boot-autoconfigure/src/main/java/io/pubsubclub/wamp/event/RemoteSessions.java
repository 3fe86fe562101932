package io.pubsubclub.wamp.event;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The session lists of a publish as the other nodes need them: without this node's own
 * sessions, to which the lists were applied already. Whatever carries publishes between
 * nodes (cluster links, a backplane) sends these.
 *
 * @param exclude the excluded sessions of other nodes, {@code null} when there are none
 * @param eligible the eligible sessions of other nodes (possibly empty: then no session
 * of another node may receive the event), {@code null} when the publish has no eligible
 * list
 * @author PubSubClub
 */
public record RemoteSessions(@Nullable List<String> exclude, @Nullable List<String> eligible) {

	/**
	 * The lists of a publish without the sessions of this node.
	 * @param local this node's subscribers, which know its sessions
	 * @param exclude the publish's exclude list, if any
	 * @param eligible the publish's eligible list, if any
	 * @return the lists for the other nodes
	 */
	public static RemoteSessions of(LocalSubscribers local, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		List<String> remoteExclude = null;
		if (exclude != null) {
			for (String id : exclude) {
				if (!local.hasSession(id)) {
					if (remoteExclude == null) {
						remoteExclude = new ArrayList<>(exclude.size());
					}
					remoteExclude.add(id);
				}
			}
		}
		List<String> remoteEligible = null;
		if (eligible != null) {
			remoteEligible = new ArrayList<>(eligible.size());
			for (String id : eligible) {
				if (!local.hasSession(id)) {
					remoteEligible.add(id);
				}
			}
		}
		return new RemoteSessions(remoteExclude, remoteEligible);
	}

	/**
	 * Whether the publish names no session of another node.
	 * @return {@code true} when both lists are absent
	 */
	public boolean none() {
		return this.exclude == null && this.eligible == null;
	}

}
