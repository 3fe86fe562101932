package io.pubsubclub.wamp.auth;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * {@link WampCraCredentials} from a fixed map of auth key to credential, as configured
 * with {@code pubsubclub.wamp.auth.users}.
 *
 * @author PubSubClub
 */
public class MapWampCraCredentials implements WampCraCredentials {

	private final Map<String, WampCraCredential> credentials;

	/**
	 * Create the credentials source.
	 * @param credentials auth key to credential
	 */
	public MapWampCraCredentials(Map<String, WampCraCredential> credentials) {
		this.credentials = Map.copyOf(credentials);
	}

	@Override
	public CompletionStage<@Nullable WampCraCredential> find(String authKey, Map<String, Object> extra) {
		return CompletableFuture.completedFuture(this.credentials.get(authKey));
	}

	@Override
	public String toString() {
		return "MapWampCraCredentials" + this.credentials.keySet();
	}

}
