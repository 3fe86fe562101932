package io.pubsubclub.redis;

import javax.net.ssl.SSLException;

/**
 * What a failure to reach Redis says to the user. Lettuce reports a refused login or TLS
 * handshake as "Unable to connect to host:port", with Redis's own answer or the TLS
 * error deeper in the causes: that answer, and the Boot properties that decide it, are
 * what the log and the health's {@code lastError} show.
 *
 * @author PubSubClub
 */
final class RedisFailures {

	/** Causes followed at most, so that a cyclic chain ends. */
	static final int MAX_CAUSES = 16;

	private RedisFailures() {
	}

	static String describe(Throwable failure) {
		Throwable cause = failure;
		for (int i = 0; i < MAX_CAUSES && cause != null; i++) {
			String message = String.valueOf(cause.getMessage());
			if (message.startsWith("WRONGPASS") || message.startsWith("NOAUTH") || message.startsWith("NOPERM")) {
				return failure.getMessage() + ": Redis refused the login (" + message
						+ "); check spring.data.redis.username and spring.data.redis.password";
			}
			if (cause instanceof SSLException) {
				return failure.getMessage() + ": the TLS handshake failed (" + message
						+ "); check spring.data.redis.ssl.bundle and redis-server's tls-* settings";
			}
			cause = cause.getCause();
		}
		return String.valueOf(failure.getMessage());
	}

}
