package io.pubsubclub.wamp;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.wamp.Wamp2PublishReader.Malformed;
import io.pubsubclub.wamp.Wamp2PublishReader.Publish;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What the streaming v2 PUBLISH reader decides: the Arguments and ArgumentsKw text as it
 * arrived, the single argument of the v1 form, each option, and each protocol violation
 * (the integration tests check the session's side: ABORT, 1002, the counters).
 */
class Wamp2PublishReaderTests {

	private final Wamp2PublishReader reader = new Wamp2PublishReader(JsonMapper.builder().build());

	@Test
	void argumentsAndKeywordsKeepTheTextTheyArrivedAs() {
		Publish publish = read("[16, 7 ,{},\"com.example.t\", [ {\"a\" : 1} ,\"\\u00e9\\ud800\"\n] ,\t{\"k\": [3, 1e400]} ]");
		assertThat(publish.request()).isEqualTo(7);
		assertThat(publish.topic()).isEqualTo("com.example.t");
		assertThat(publish.arguments()).isEqualTo("[ {\"a\" : 1} ,\"\\u00e9\\ud800\"\n]");
		assertThat(publish.argumentsKw()).isEqualTo("{\"k\": [3, 1e400]}");
		assertThat(publish.singleArgument()).isNull();
		assertThat(this.reader.keepsText()).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[16,1,{},\"t\",[X]]", "[16,1,{},\"t\",[ X ]]", "[16,1,{},\"t\",[\nX\r\n\t]]",
			"[16,1,{},\"t\",[X],{}]", "[16,1,{},\"t\",[X], { \n} ]" })
	void aSingleArgumentWithoutKeywordsIsTheV1Event(String template) {
		for (String value : new String[] { "\"x\"", "{\"a\":[1,{\"b\":\"]\"}]}", "[]", "12.5e3", "-0", "true", "null",
				"\"]\"", "\"\\\"]\"" }) {
			Publish publish = read(template.replace("X", value));
			assertThat(publish.singleArgument()).as(template + " with " + value).isEqualTo(value);
		}
	}

	@Test
	void anyOtherPayloadHasNoSingleArgument() {
		assertThat(read("[16,1,{},\"t\"]")).extracting(Publish::arguments, Publish::argumentsKw,
				Publish::singleArgument)
			.containsExactly(null, null, null);
		assertThat(read("[16,1,{},\"t\",[]]")).extracting(Publish::arguments, Publish::singleArgument)
			.containsExactly("[]", null);
		assertThat(read("[16,1,{},\"t\",[1,2]]").singleArgument()).isNull();
		assertThat(read("[16,1,{},\"t\",[[1,2]]]").singleArgument()).isEqualTo("[1,2]");
		assertThat(read("[16,1,{},\"t\",[1],{\"k\":1}]").singleArgument()).isNull();
		assertThat(read("[16,1,{},\"t\",[],{\"k\":1}]")).extracting(Publish::arguments, Publish::argumentsKw)
			.containsExactly("[]", "{\"k\":1}");
	}

	@Test
	void optionsAreReadFieldByField() {
		Wamp2PublishOptions defaults = read("[16,1,{},\"t\"]").options();
		assertThat(defaults).isEqualTo(new Wamp2PublishOptions(true, false, true, false, null, null, null));
		Wamp2PublishOptions options = read("[16,1,{\"acknowledge\":true,\"exclude_me\":false,\"disclose_me\":true,"
				+ "\"exclude\":[1,9007199254740992],\"eligible\":[],\"other\":{\"exclude\":\"x\",\"a\":[{}]},"
				+ "\"exclude_authid\":[\"a\"],\"eligible_authrole\":[\"r\",\"s\"]},\"t\"]")
			.options();
		assertThat(options.valid()).isTrue();
		assertThat(options.acknowledge()).isTrue();
		assertThat(options.excludeMe()).isFalse();
		assertThat(options.discloseMe()).isTrue();
		assertThat(options.exclude()).containsExactlyInAnyOrder("1", "9007199254740992");
		assertThat(options.eligible()).isEmpty();
		assertThat(options.authFilter())
			.isEqualTo(new WampPublication.AuthFilter(Set.of("a"), null, null, Set.of("r", "s")));
	}

	@Test
	void aRepeatedOptionCountsAsItsLastValue() {
		Wamp2PublishOptions options = read("[16,1,{\"acknowledge\":\"yes\",\"exclude\":[0],\"acknowledge\":true,"
				+ "\"exclude\":[5]},\"t\"]")
			.options();
		assertThat(options.valid()).isTrue();
		assertThat(options.acknowledge()).isTrue();
		assertThat(options.exclude()).containsExactly("5");
		assertThat(read("[16,1,{\"acknowledge\":true,\"acknowledge\":false},\"t\"]").options().acknowledge()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"acknowledge\":1", "\"acknowledge\":null", "\"exclude_me\":\"false\"",
			"\"disclose_me\":[true]", "\"exclude\":5", "\"exclude\":[0]", "\"exclude\":[9007199254740993]",
			"\"exclude\":[1.0]", "\"exclude\":[\"1\"]", "\"exclude\":[-1]", "\"exclude\":[1,[2]]",
			"\"exclude\":[99999999999999999999]", "\"eligible\":null", "\"eligible\":{}", "\"exclude_authid\":[1]",
			"\"eligible_authid\":\"a\"", "\"exclude_authrole\":[null]", "\"eligible_authrole\":[[\"r\"]]" })
	void anOptionOfTheWrongKindMakesThemInvalid(String option) {
		Wamp2PublishOptions options = read("[16,1,{" + option + "},\"t\",[1]]").options();
		assertThat(options.valid()).as(option).isFalse();
		assertThat(options.acknowledge()).isFalse();
		Wamp2PublishOptions acknowledged = read("[16,1,{\"acknowledge\":true," + option + ",\"x\":[1,{\"y\":2}]},\"t\",[1]]")
			.options();
		assertThat(acknowledged.valid()).isFalse();
		assertThat(acknowledged.acknowledge()).isEqualTo(!option.startsWith("\"acknowledge\""));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[16]", "[16,1]", "[16,1,{}]", "[16,0,{},\"t\"]", "[16,-1,{},\"t\"]",
			"[16,9007199254740993,{},\"t\"]", "[16,99999999999999999999,{},\"t\"]", "[16,1.5,{},\"t\"]",
			"[16,1.0,{},\"t\"]", "[16,\"1\",{},\"t\"]", "[16,null,{},\"t\"]", "[16,1,[],\"t\"]", "[16,1,null,\"t\"]",
			"[16,1,{},5]", "[16,1,{},null]", "[16,1,{},[\"t\"]]", "[16,1,{},\"t\",{}]", "[16,1,{},\"t\",null]",
			"[16,1,{},\"t\",\"a\"]", "[16,1,{},\"t\",[],[]]", "[16,1,{},\"t\",[],null]", "[16,1,{},\"t\",[],{},{}]",
			"[16,1,{},\"t\",[],{},1]", "[16,1,{},\"t\",[],{},[]]", "[16,0,{},\"t\"] garbage", "[16,1,{},5,[1,]" })
	void theWrongShapeIsAViolationAtTheElementThatBreaksIt(String message) {
		Malformed malformed = catchThrowableOfType(Malformed.class, () -> this.reader.read(message));
		assertThat(malformed).as(message).isNotNull();
		assertThat(malformed.kind()).isEqualTo(BadFrame.BAD_ARGUMENTS);
		assertThat(malformed.getMessage()).isEqualTo(Wamp2PublishReader.SHAPE);
	}

	@ParameterizedTest
	@ValueSource(strings = { "[16,1,{},\"t\",[1,]]", "[16,1,{\"a\":},\"t\"]", "[16,1,{},\"t\",[\"\\x\"]]",
			"[16,1,{},\"t\",[\"a\tb\"]]", "[16,1,{},\"t\",[],{\"k\":1,}]", "[16,1,{},\"t\",[01]]",
			"[16,1,{},\"t\",[1],{\"k\" 1}]", "[16,1,{},\"t\"] x", "[16,1,{},\"t\"][]", "[16,1,{},\"t\"]]",
			"[16,1,{},\"t\",[NaN]]", "[16,1,{'a':1},\"t\"]", "[16,1,{},\"t\",[1]/*c*/]", "[16,1,{},\"t\",[[[[" })
	void textThatIsNotJsonIsAViolation(String message) {
		Malformed malformed = catchThrowableOfType(Malformed.class, () -> this.reader.read(message));
		assertThat(malformed).as(message).isNotNull();
		assertThat(malformed.kind()).isEqualTo(BadFrame.NOT_JSON);
		assertThat(malformed.getMessage()).startsWith("not JSON: ");
	}

	@Test
	void everyCutOfAPublishIsAViolationAndNeverAnotherError() {
		String message = "[16, 12, {\"acknowledge\": true, \"exclude\": [3, 4], \"eligible_authid\": [\"a\\\"b\"]},"
				+ " \"com.example.t\", [1, \"two\", {\"3\": [null]}], {\"k\": \"\\u00e9\"}]";
		assertThat(read(message).arguments()).isEqualTo("[1, \"two\", {\"3\": [null]}]");
		for (int length = 0; length < message.length(); length++) {
			String cut = message.substring(0, length);
			Malformed malformed = catchThrowableOfType(Malformed.class, () -> this.reader.read(cut));
			assertThat(malformed).as(cut).isNotNull();
			assertThat(malformed.kind()).isIn(BadFrame.NOT_JSON, BadFrame.BAD_ARGUMENTS, BadFrame.NOT_ARRAY);
		}
	}

	@Test
	void contentAfterTheArrayIsLeftUnreadWhenTheMapperAllowsIt() {
		Wamp2PublishReader reader = new Wamp2PublishReader(
				JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build());
		assertThat(reader.read("[16,1,{},\"t\",[1]] x").singleArgument()).isEqualTo("1");
	}

	@Test
	void aMapperThatReadsMoreThanJsonHasTheArgumentsWrittenAgain() {
		Wamp2PublishReader reader = new Wamp2PublishReader(JsonMapper.builder()
			.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
					JsonReadFeature.ALLOW_TRAILING_COMMA)
			.build());
		assertThat(reader.keepsText()).isFalse();
		Publish publish = reader.read("[16,1,{'acknowledge':true},'t',[ 'x' /* c */ ,],{ /* none */ }]");
		assertThat(publish.options().acknowledge()).isTrue();
		assertThat(publish.topic()).isEqualTo("t");
		assertThat(publish.arguments()).isEqualTo("[\"x\"]");
		assertThat(publish.argumentsKw()).isEqualTo("{}");
		assertThat(publish.singleArgument()).isEqualTo("\"x\"");
		// an escaped lone surrogate comes back escaped, so that the frame can be sent
		assertThat(reader.read("[16,1,{},'t',['\\ud800',1]]").arguments()).isEqualTo("[\"\\ud800\",1]");
	}

	@ParameterizedTest
	@ValueSource(strings = { "[16,", "[16]", " [ 16 ,", "[\n16\t,", "[16\r\n," })
	void aPublishIsFoundByItsFirstCharacters(String start) {
		assertThat(Wamp2PublishReader.startsAsPublish(start)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "[", "[16", "[1,", "[160,", "[1.6e1,", "[\"16\",", "16,", "{16,", "[/*c*/16," })
	void otherMessagesAreNotTakenForAPublish(String start) {
		assertThat(Wamp2PublishReader.startsAsPublish(start)).isFalse();
	}

	@Test
	void aMessageOfAnotherTypeIsRefusedShouldTheCallerNotHaveChecked() {
		assertThatExceptionOfType(Malformed.class).isThrownBy(() -> this.reader.read("[32,1,{},\"t\"]"))
			.satisfies((ex) -> assertThat(ex.kind()).isEqualTo(BadFrame.NOT_ARRAY));
	}

	private Publish read(String message) {
		return this.reader.read(message);
	}

}
