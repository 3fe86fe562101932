package io.pubsubclub.redis;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The envelope's options line: the session lists and the WAMP v2 flag, each only when it
 * applies, and what is refused.
 */
class RedisEnvelopeTests {

	@Test
	void theV2FlagTravelsAloneOrWithTheLists() {
		assertThat(RedisEnvelope.sessions(null, null, true)).isEqualTo("{\"v2\":true}");
		assertThat(RedisEnvelope.sessions(List.of("a"), null, true)).isEqualTo("{\"exclude\":[\"a\"],\"v2\":true}");
		RedisEnvelope.Received alone = RedisEnvelope
			.decodeMessage("-\n" + RedisEnvelope.encode(7, 1, 2, "{\"v2\":true}", "{\"args\":[1],\"kwargs\":{}}"));
		assertThat(alone.v2()).isTrue();
		assertThat(alone.exclude()).isNull();
		assertThat(alone.eligible()).isNull();
		assertThat(alone.eventJson()).isEqualTo("{\"args\":[1],\"kwargs\":{}}");
		RedisEnvelope.Received withLists = RedisEnvelope.decodeMessage(
				"-\n" + RedisEnvelope.encode(7, 2, 2, RedisEnvelope.sessions(List.of("a"), List.of("b"), true), "1"));
		assertThat(withLists.v2()).isTrue();
		assertThat(withLists.exclude()).isEqualTo(Set.of("a"));
		assertThat(withLists.eligible()).isEqualTo(Set.of("b"));
		assertThat(RedisEnvelope.decodeMessage("-\n" + RedisEnvelope.encode(7, 3, 2, null, "1")).v2()).isFalse();
	}

	@Test
	void aV2FlagThatIsNotABooleanOrComesTwiceIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisEnvelope.decodeMessage("-\n" + RedisEnvelope.encode(7, 1, 2, "{\"v2\":\"yes\"}", "1")))
			.withMessageContaining("v2 is not a boolean");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> RedisEnvelope
				.decodeMessage("-\n" + RedisEnvelope.encode(7, 1, 2, "{\"v2\":true,\"v2\":false}", "1")))
			.withMessageContaining("v2 given twice");
	}

}
