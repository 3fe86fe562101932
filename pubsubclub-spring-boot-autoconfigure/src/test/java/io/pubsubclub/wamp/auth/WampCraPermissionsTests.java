package io.pubsubclub.wamp.auth;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WampCraPermissionsTests {

	@Test
	void patternsBecomeAutobahnGrants() {
		WampCraPermissions permissions = WampCraPermissions.fromPatterns(List.of("http://x/chat#*", "http://x/news"),
				List.of("http://x/chat#*"), List.of("http://x/rpc#add", "http://x/admin#*"));
		assertThat(permissions.toMap()).isEqualTo(Map.of("pubsub",
				List.of(Map.of("uri", "http://x/chat#", "prefix", true, "pub", true, "sub", true),
						Map.of("uri", "http://x/news", "prefix", false, "pub", false, "sub", true)),
				"rpc", List.of(Map.of("uri", "http://x/rpc#add", "call", true),
						Map.of("uri", "http://x/admin#", "prefix", true, "call", true))));
	}

	@Test
	void grantsMatchExactlyOrByPrefix() {
		WampCraPermissions permissions = WampCraPermissions.fromPatterns(List.of("http://x/chat#*", "http://x/news"),
				List.of("http://x/chat#*"), List.of("http://x/rpc#add", "http://x/admin#*"));
		assertThat(permissions.maySubscribe("http://x/chat#room1")).isTrue();
		assertThat(permissions.maySubscribe("http://x/news")).isTrue();
		assertThat(permissions.maySubscribe("http://x/news2")).isFalse();
		assertThat(permissions.mayPublish("http://x/chat#room1")).isTrue();
		assertThat(permissions.mayPublish("http://x/news")).isFalse();
		assertThat(permissions.mayCall("http://x/rpc#add")).isTrue();
		assertThat(permissions.mayCall("http://x/rpc#sub")).isFalse();
		assertThat(permissions.mayCall("http://x/admin#reset")).isTrue();
	}

	@Test
	void noGrantsAllowNothing() {
		WampCraPermissions none = WampCraPermissions.fromPatterns(List.of(), List.of(), List.of());
		assertThat(none).isEqualTo(WampCraPermissions.NONE);
		assertThat(none.maySubscribe("http://x/a")).isFalse();
		assertThat(none.mayPublish("http://x/a")).isFalse();
		assertThat(none.mayCall("http://x/a")).isFalse();
		assertThat(none.toMap()).isEqualTo(Map.of("pubsub", List.of(), "rpc", List.of()));
	}

	@Test
	void aGrantWithoutTheFlagDoesNotAllow() {
		WampCraPermissions permissions = WampCraPermissions.of(
				List.of(new WampCraPermissions.PubSub("http://x/", true, false, false)),
				List.of(new WampCraPermissions.Rpc("http://x/rpc", false, false)));
		assertThat(permissions.maySubscribe("http://x/a")).isFalse();
		assertThat(permissions.mayPublish("http://x/a")).isFalse();
		assertThat(permissions.mayCall("http://x/rpc")).isFalse();
	}

}
