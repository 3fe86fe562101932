package io.pubsubclub.cluster;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;

/**
 * One ready link per far node and role: the claims links take on their far node when
 * they become ready, and the dialled servers whose link was a duplicate of a claim, woken
 * when it is released. Its lock is a leaf: taken under a link's lock, nothing is called
 * while it is held, and the servers a released claim wakes are called through the
 * scheduler, never on the closing thread. Memory: one entry per ready link, and one per
 * dialled server parked behind one.
 *
 * @author PubSubClub
 */
final class LinkClaims {

	private static final Log logger = LogFactory.getLog(LinkClaims.class);

	private final TaskScheduler scheduler;

	private final Object lock = new Object();

	// the link that holds each far node, per local role
	private final Map<String, PeerLink> claims = new HashMap<>();

	// dialled servers whose link was a duplicate of a claim, woken when it is released
	private final Map<String, Set<DialledServer>> parked = new HashMap<>();

	LinkClaims(TaskScheduler scheduler) {
		this.scheduler = scheduler;
	}

	static @Nullable String key(PeerLink link) {
		String far = link.far.identity();
		ClusterState.Role role = link.role();
		return (far != null && role != null) ? role.name() + " " + far : null;
	}

	/**
	 * Take the far node of a link about to be ready for that link.
	 * @return the link that already holds it, in which case the server the link was
	 * dialled to is woken when that one goes; {@code null} when taken
	 */
	@Nullable PeerLink claim(String key, PeerLink link) {
		synchronized (this.lock) {
			PeerLink holder = this.claims.get(key);
			if (holder == null || holder == link) {
				this.claims.put(key, link);
				return null;
			}
			DialledServer server = link.dialled;
			if (server != null) {
				this.parked.computeIfAbsent(key, (k) -> new LinkedHashSet<>()).add(server);
			}
			return holder;
		}
	}

	void release(PeerLink link) {
		String key = link.far.claimKey;
		if (key == null) {
			return;
		}
		List<DialledServer> woken;
		synchronized (this.lock) {
			if (!this.claims.remove(key, link)) {
				return;
			}
			Set<DialledServer> servers = this.parked.remove(key);
			woken = (servers != null) ? List.copyOf(servers) : List.of();
		}
		for (DialledServer server : woken) {
			// never on the closing thread, which may hold a dialler's lock
			try {
				this.scheduler.schedule(server::duplicateReleased, Instant.now());
			}
			catch (RuntimeException ex) {
				logger.debug("Could not wake " + server.server() + " after its duplicate went away", ex);
			}
		}
	}

	void unregister(DialledServer server) {
		synchronized (this.lock) {
			this.parked.values().forEach((servers) -> servers.remove(server));
		}
	}

}
