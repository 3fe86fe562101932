package io.pubsubclub.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PscCodec}.
 */
class PscCodecTests {

	@Test
	void encodesEveryType() {
		assertThat(PscCodec.hello(ProtocolVersion.SUPPORTED)).isEqualTo("[101,[1,0],[1,1],[1,2]]");
		assertThat(PscCodec.welcome(ProtocolVersion.V1_1, 12345)).isEqualTo("[102,[1,1],12345]");
		assertThat(PscCodec.welcome(ProtocolVersion.V1_0, 12345)).isEqualTo("[102,[1,0]]");
		assertThat(PscCodec.subscribe("http://x/t")).isEqualTo("[201,\"http://x/t\"]");
		assertThat(PscCodec.unsubscribe("a\"b\\c\u0001")).isEqualTo("[202,\"a\\\"b\\\\c\\u0001\"]");
		assertThat(PscCodec.event("t", "{\"a\":[1,2]}")).isEqualTo("[301,\"t\",{\"a\":[1,2]}]");
	}

	@Test
	void decodesHelloWithEveryVersionAndIgnoresPatch() {
		assertThat(PscCodec.decode("[101,[1,0],[1,1,7],[2,0]]")).isEqualTo(new PscMessage.Hello(
				List.of(ProtocolVersion.V1_0, ProtocolVersion.V1_1, new ProtocolVersion(2, 0))));
	}

	@Test
	void decodesWelcomeWithAndWithoutNodeId() {
		assertThat(PscCodec.decode("[102,[1,1],2147483647]"))
			.isEqualTo(new PscMessage.Welcome(ProtocolVersion.V1_1, 2147483647L));
		assertThat(PscCodec.decode("[102, [1, 0]]")).isEqualTo(new PscMessage.Welcome(ProtocolVersion.V1_0, null));
	}

	@Test
	void decodesSubscribeWithOneOrSeveralTopics() {
		assertThat(PscCodec.decode("[201,\"a\"]")).isEqualTo(new PscMessage.Subscribe(List.of("a")));
		assertThat(PscCodec.decode("[201,\"a\",\"b\\u00e9\"]"))
			.isEqualTo(new PscMessage.Subscribe(List.of("a", "b\u00e9")));
		assertThat(PscCodec.decode("[202,\"a\"]")).isEqualTo(new PscMessage.Unsubscribe(List.of("a")));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"]}\"}}", "[1,[2,[3]],{}]",
			"\"a \\\"quoted\\\" \\\\ ] } \\u20ac string\"", "-12.5e3", "0", "null", "true", "false", "{}", "[]",
			"\"\"", "{\"nested\":{\"deep\":[[[[{\"x\":\"]]]\"}]]]]}}" })
	void decodesEventKeepingThePayloadTextAsItIs(String payload) {
		PscMessage message = PscCodec.decode("[301,\"topic\"," + payload + "]");
		assertThat(message).isEqualTo(new PscMessage.Event("topic", payload));
	}

	@Test
	void decodesEventSpanWithWhitespaceAroundIt() {
		assertThat(PscCodec.decode("[ 301 , \"t\" ,\n  {\"a\" : 1}\t\n ]"))
			.isEqualTo(new PscMessage.Event("t", "{\"a\" : 1}"));
		assertThat(PscCodec.decode("[301,\"t\",42 ]")).isEqualTo(new PscMessage.Event("t", "42"));
	}

	@Test
	void eventRoundTrips() {
		String frame = PscCodec.event("t\u00e9", "{\"k\":\"v\\n\"}");
		assertThat(PscCodec.decode(frame)).isEqualTo(new PscMessage.Event("t\u00e9", "{\"k\":\"v\\n\"}"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "not json", "{\"a\":1}", "42", "\"301\"", "[]", "[\"101\"]", "[101.5,[1,0]]",
			"[999,\"t\"]", "[99999999999,\"t\"]", "[101]", "[101,[1]]", "[101,[1,\"0\"]]", "[101,1,0]",
			"[101,[1,0,0,0]]", "[101,[-1,0]]", "[102]", "[102,[1,1],\"id\"]", "[102,[1,1],1,2]", "[102,[1,1],1.5]",
			"[102,[1,1],99999999999999999999999]", "[201]", "[201,1]", "[201,\"a\",null]", "[202]",
			"[202,[\"a\"]]", "[301]", "[301,\"t\"]", "[301,1,{}]", "[301,\"t\",{},{}]", "[301,\"t\",{\"a\":]",
			"[301,\"t\",{}", "[201,\"a\"] trailing", "[201,\"a\"][201,\"b\"]", "[301,\"t\",{\"a\" 1}]" })
	void rejectsBadInput(String frame) {
		assertThatExceptionOfType(PscProtocolException.class).isThrownBy(() -> PscCodec.decode(frame))
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(1002))
			.satisfies((ex) -> assertThat(ex.getMessage()).isNotBlank());
	}

}
