package io.pubsubclub.cluster;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the frames of PSC 1.2, as PROTOCOL.md writes them.
 */
class PscResumeCodecTests {

	@Test
	void encodesTheFramesOf12() {
		assertThat(PscResumeCodec.welcome(7, "abcdefghijklmnop")).isEqualTo("[102,[1,2],7,\"abcdefghijklmnop\"]");
		assertThat(PscResumeCodec.event("\"t\"", "{\"a\":1}", 42, null)).isEqualTo("[301,\"t\",{\"a\":1},42]");
		assertThat(PscResumeCodec.event("\"t\"", "{\"a\":1}", 43, PscResumeCodec.sessions(List.of("x"), List.of())))
			.isEqualTo("[301,\"t\",{\"a\":1},43,{\"exclude\":[\"x\"],\"eligible\":[]}]");
		assertThat(PscResumeCodec.sessions(null, List.of("s1", "s2"))).isEqualTo("{\"eligible\":[\"s1\",\"s2\"]}");
		assertThat(PscResumeCodec.resume("e", 9, List.of("a", "b"))).isEqualTo("[203,\"e\",9,\"a\",\"b\"]");
		assertThat(PscResumeCodec.resumed(true, 0)).isEqualTo("[204,true]");
		assertThat(PscResumeCodec.resumed(false, 17)).isEqualTo("[204,false,17]");
	}

	@Test
	void theWamp2FlagIsWrittenBesideTheListsAndReadBack() {
		assertThat(PscResumeCodec.sessions(null, null, true)).isEqualTo("{\"v2\":true}");
		assertThat(PscResumeCodec.sessions(List.of("1"), null, true)).isEqualTo("{\"exclude\":[\"1\"],\"v2\":true}");
		assertThat(PscResumeCodec.sessions(List.of("1"), List.of(), false))
			.isEqualTo("{\"exclude\":[\"1\"],\"eligible\":[]}");
		assertThat(PscCodec.decode("[301,\"t\",{\"args\":[],\"kwargs\":{}},3,{\"v2\":true}]"))
			.isEqualTo(new PscMessage.Event("t", "{\"args\":[],\"kwargs\":{}}", 3,
					new PscMessage.Sessions(null, null, true)));
		assertThat(PscCodec.decode("[301,\"t\",1,3,{\"exclude\":[\"a\"],\"v2\":false}]"))
			.isEqualTo(new PscMessage.Event("t", "1", 3, new PscMessage.Sessions(Set.of("a"), null, false)));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[301,\"t\",1,1,{\"v2\":1}]", "[301,\"t\",1,1,{\"v2\":\"true\"}]",
			"[301,\"t\",1,1,{\"v2\":[]}]", "[301,\"t\",1,1,{\"v2\":true,\"v2\":true}]" })
	void rejectsABadWamp2Flag(String frame) {
		assertThatExceptionOfType(PscProtocolException.class).isThrownBy(() -> PscCodec.decode(frame));
	}

	@Test
	void epochsAreSixteenBase64UrlCharactersAndDiffer() {
		String epoch = Sequencer.newEpoch();
		assertThat(epoch).hasSize(16).matches("[A-Za-z0-9_-]+");
		assertThat(Sequencer.newEpoch()).isNotEqualTo(epoch);
	}

	@Test
	void decodesTheFramesOf12() {
		assertThat(PscCodec.decode("[102,[1,2],7,\"ep\"]"))
			.isEqualTo(new PscMessage.Welcome(ProtocolVersion.V1_2, 7L, "ep"));
		assertThat(PscCodec.decode("[301,\"t\",{\"a\":[1,2]},42]"))
			.isEqualTo(new PscMessage.Event("t", "{\"a\":[1,2]}", 42, null));
		assertThat(PscCodec.decode("[301,\"t\", [1,2] , 9223372036854775807]"))
			.isEqualTo(new PscMessage.Event("t", "[1,2]", Long.MAX_VALUE, null));
		assertThat(PscCodec.decode("[301,\"t\",1,3,{\"eligible\":[],\"exclude\":[\"a\"]}]"))
			.isEqualTo(new PscMessage.Event("t", "1", 3, new PscMessage.Sessions(Set.of("a"), Set.of())));
		assertThat(PscCodec.decode("[301,\"t\",1,3,{}]"))
			.isEqualTo(new PscMessage.Event("t", "1", 3, new PscMessage.Sessions(null, null)));
		assertThat(PscCodec.decode("[203,\"ep\",0]")).isEqualTo(new PscMessage.Resume("ep", 0, List.of()));
		assertThat(PscCodec.decode("[203,\"ep\",12,\"a\",\"b\"]"))
			.isEqualTo(new PscMessage.Resume("ep", 12, List.of("a", "b")));
		assertThat(PscCodec.decode("[204,true]")).isEqualTo(new PscMessage.Resumed(true, 0));
		assertThat(PscCodec.decode("[204,false,0]")).isEqualTo(new PscMessage.Resumed(false, 0));
		assertThat(PscCodec.decode("[204,false,18]")).isEqualTo(new PscMessage.Resumed(false, 18));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[102,[1,2],7,\"\"]", "[102,[1,2],7,1]", "[301,\"t\",1,0]", "[301,\"t\",1,-1]",
			"[301,\"t\",1,1.5]", "[301,\"t\",1,\"1\"]", "[301,\"t\",1,1,{\"exclude\":\"a\"}]",
			"[301,\"t\",1,1,{\"exclude\":[1]}]", "[301,\"t\",1,1,{\"other\":[]}]",
			"[301,\"t\",1,1,{\"eligible\":[],\"eligible\":[\"a\"]}]", "[301,\"t\",1,1,{},2]", "[301,\"t\",1,1,[]]",
			"[203]", "[203,\"e\"]", "[203,1,2]", "[203,\"e\",-1]", "[203,\"e\",\"1\"]", "[203,\"e\",1,2]",
			"[204]", "[204,true,1]", "[204,false]", "[204,false,-1]", "[204,\"true\"]", "[204,false,1,2]",
			"[204,null]" })
	void rejectsBadInputOf12(String frame) {
		assertThatExceptionOfType(PscProtocolException.class).isThrownBy(() -> PscCodec.decode(frame))
			.satisfies((ex) -> assertThat(ex.closeCode()).isEqualTo(1002));
	}

}
