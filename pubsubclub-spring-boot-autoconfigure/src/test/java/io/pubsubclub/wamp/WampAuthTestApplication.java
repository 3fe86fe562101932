package io.pubsubclub.wamp;

import org.jspecify.annotations.Nullable;

import io.pubsubclub.wamp.auth.WampCraAuthentication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A Boot application with the WAMP server, WAMP-CRA users (see {@link #USERS}) and a few
 * procedures.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class WampAuthTestApplication {

	/**
	 * joe (plain secret): chat topics both ways, the news read-only, the rpc procedures.
	 * ann (salted, her derived key only): the news read-only, nothing to call.
	 */
	static final String[] USERS = { "server.address=127.0.0.1",
			"pubsubclub.wamp.auth.users.joe.secret=joe-secret",
			"pubsubclub.wamp.auth.users.joe.subscribe=http://example.com/chat#*,http://example.com/news",
			"pubsubclub.wamp.auth.users.joe.publish=http://example.com/chat#*",
			"pubsubclub.wamp.auth.users.joe.call=http://example.com/rpc#*",
			"pubsubclub.wamp.auth.users.ann.salt=ann-salt", "pubsubclub.wamp.auth.users.ann.iterations=1000",
			// PBKDF2-HMAC-SHA256("ann-secret", "ann-salt", 1000, 32), by Python's hashlib
			"pubsubclub.wamp.auth.users.ann.secret=7WY/VcTlINTF/x3V0uGddOcuT2XxNMq0qTM18hxHcYk=",
			"pubsubclub.wamp.auth.users.ann.subscribe=http://example.com/news",
			"pubsubclub.wamp.auth.failure-delay=20ms" };

	/**
	 * Register {@link #USERS}, from a test's {@code @DynamicPropertySource} method.
	 */
	static void registerUsers(DynamicPropertyRegistry registry) {
		for (String user : USERS) {
			int eq = user.indexOf('=');
			registry.add(user.substring(0, eq), () -> user.substring(eq + 1));
		}
	}

	@Bean
	Procedures authProcedures() {
		return new Procedures();
	}

	static class Procedures {

		@WampProcedure("http://example.com/rpc#echo")
		@Nullable Object echo(@Nullable Object value) {
			return value;
		}

		@WampProcedure("http://example.com/rpc#whoami")
		@Nullable String whoami(WampSession session) {
			WampCraAuthentication cra = session.getCraAuthentication();
			return (cra != null) ? cra.authKey() : null;
		}

		@WampProcedure("http://example.com/other#ping")
		String ping() {
			return "pong";
		}

	}

}
