package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming PUBLISH reader against the tree path it replaces: the same event text for
 * every event, the same exclude and eligible rules, and the tree path left to decide
 * whatever the reader is not sure about.
 */
class PublishReaderTests {

	private static final JsonMapper DEFAULT = JsonMapper.builder().build();

	private static final Map<String, JsonMapper> MAPPERS = Map.of("default", DEFAULT, "boot", bootMapper(),
			"escaping and lenient",
			JsonMapper.builder()
				.enable(JsonWriteFeature.ESCAPE_NON_ASCII, JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
				.disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
				.enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
				.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
						JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
						JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS, JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES)
				.build());

	private static JsonMapper bootMapper() {
		JsonMapper[] mapper = new JsonMapper[1];
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
			.run((context) -> mapper[0] = context.getBean(JsonMapper.class));
		return mapper[0];
	}

	static Stream<Arguments> messages() {
		List<Arguments> arguments = new ArrayList<>();
		for (Map.Entry<String, JsonMapper> mapper : MAPPERS.entrySet()) {
			List<String> events = new ArrayList<>(PublishCorpus.events());
			events.addAll(PublishCorpus.loneSurrogateEvents());
			for (String event : events) {
				for (String message : List.of("[7,\"t\"," + event + "]", "[ 7 , \"t\" , " + event + " , false ]",
						"\r\n[\t7,\n\"t\",\r" + event + "\n,[\"x\"] ,\t[\"y\",\"z\"]\n]\n ")) {
					arguments.add(Arguments.of(mapper.getKey(), message));
				}
			}
		}
		return arguments.stream();
	}

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("messages")
	void eventTextIsTheTreePathsText(String mapperName, String message) {
		JsonMapper jsonMapper = MAPPERS.get(mapperName);
		PublishReader reader = new PublishReader(jsonMapper);
		assertThat(reader.isEnabled()).isTrue();
		PublishReader.Publish publish = reader.read(message, "me");
		assertThat(publish).isNotNull();
		assertThat(publish.topic()).isEqualTo("t");
		assertThat(publish.eventJson()).isEqualTo(PublishCorpus.treeText(jsonMapper, message));
	}

	@Test
	void lenientInputTheMapperAllowsGivesTheTreePathsText() {
		JsonMapper jsonMapper = MAPPERS.get("escaping and lenient");
		PublishReader reader = new PublishReader(jsonMapper);
		for (String message : List.of("[7,'t',{'a':'\u00e9/',b:1}]", "[7,\"t\",[NaN,Infinity,-Infinity,1,],]",
				"[7,\"t\",/* c */ {\"a\" : // c\n 1}]", "[7,\"t\",\"tab\there\"]", "[7,\"t\",\"\\u00e9\\/\"]")) {
			PublishReader.Publish publish = reader.read(message, "me");
			assertThat(publish).as(message).isNotNull();
			assertThat(publish.eventJson()).as(message).isEqualTo(PublishCorpus.treeText(jsonMapper, message));
		}
	}

	@Test
	void duplicateKeysAreLeftToTheTreeWhichKeepsTheLastValue() {
		PublishReader reader = new PublishReader(DEFAULT);
		for (String event : PublishCorpus.duplicateKeyEvents()) {
			String message = "[7,\"t\"," + event + "]";
			assertThat(reader.read(message, "me")).as(event).isNull();
		}
		assertThat(PublishCorpus.treeText(DEFAULT, "[7,\"t\",{\"a\":1,\"a\":2}]")).isEqualTo("{\"a\":2}");
		assertThat(reader.read("[7,\"t\",1,{\"a\":1,\"a\":2}]", "me")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "[7,\"t\"]", "[7]", "[7,5,\"e\"]", "[7,null,\"e\"]", "[7,[\"t\"],\"e\"]",
			"[7,\"t\",\"e\",[],[],[]]", "[7,\"t\",\"e\",true,[],null]", "[7,\"t\",\"e\"] x", "[7,\"t\",\"e\"] []",
			"[7,\"t\",\"e\"]]", "[7,\"t\",\"e\"],", "[7,\"t\",{\"a\":1", "[7,\"t\",{\"a\":1}", "[7,\"t\",\"e\",[\"x\"",
			"[7,\"t\",\"unterminated]", "[7,\"t\",01]", "[7,\"t\",NaN]", "[7,\"t\",'e']", "[7,\"t\",\"e\",]",
			"[7.0,\"t\",\"e\"]", "[70,\"t\",\"e\"]", "[7e0,\"t\",\"e\"]", "[\"7\",\"t\",\"e\"]", "[5,\"t\"]",
			"[2,\"c\",\"p\"]", "{\"7\":1}", "7", "", " ", "not json", "[ /* c */ 7,\"t\",\"e\"]" })
	void everythingElseIsLeftToTheTreePath(String message) {
		assertThat(new PublishReader(DEFAULT).read(message, "me")).isNull();
	}

	@Test
	void excludeAndEligibleFollowTheTreePathsRules() {
		PublishReader reader = new PublishReader(DEFAULT);
		assertOptions(reader, "", Set.of("me"), null);
		assertOptions(reader, ",true", Set.of("me"), null);
		assertOptions(reader, ",false", null, null);
		assertOptions(reader, ",[]", Set.of(), null);
		assertOptions(reader, ",[\"a\",2,null,[\"b\"],{\"c\":\"d\"},\"e\",true,\"a\"]", Set.of("a", "e"), null);
		assertOptions(reader, ",\"neither\"", Set.of("me"), null);
		assertOptions(reader, ",42", Set.of("me"), null);
		assertOptions(reader, ",null", Set.of("me"), null);
		assertOptions(reader, ",{\"a\":[\"b\"]}", Set.of("me"), null);
		assertOptions(reader, ",[],[]", Set.of(), Set.of());
		assertOptions(reader, ",true,[\"a\"]", Set.of("me"), Set.of("a"));
		assertOptions(reader, ",false,[\"a\",{}]", null, Set.of("a"));
		assertOptions(reader, ",\"neither\",[\"me\",\"a\"]", Set.of("me"), Set.of("me", "a"));
		assertOptions(reader, ",[\"x\"],\"neither\"", Set.of("x"), null);
		assertOptions(reader, ",[\"x\"],{\"a\":[1]}", Set.of("x"), null);
		assertOptions(reader, ",[\"x\"],null", Set.of("x"), null);
		assertOptions(reader, ",[\"x\"],true", Set.of("x"), null);
	}

	private static void assertOptions(PublishReader reader, String options, @Nullable Set<String> exclude,
			@Nullable Set<String> eligible) {
		PublishReader.Publish publish = reader.read("[7,\"t\",{\"e\":[1]}" + options + "]", "me");
		assertThat(publish).as(options).isNotNull();
		assertThat(publish.eventJson()).isEqualTo("{\"e\":[1]}");
		assertThat(publish.exclude()).as(options).isEqualTo(exclude);
		assertThat(publish.eligible()).as(options).isEqualTo(eligible);
	}

	@Test
	void mapperWhoseTreeRoundTripChangesTheTextLeavesEveryPublishToTheTree() {
		List<JsonMapper> mappers = List.of(JsonMapper.builder().enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED).build(),
				JsonMapper.builder().disable(JsonNodeFeature.READ_NULL_PROPERTIES).build(),
				JsonMapper.builder().disable(JsonNodeFeature.WRITE_NULL_PROPERTIES).build(),
				JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build(),
				JsonMapper.builder().enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS).build(),
				JsonMapper.builder().enable(SerializationFeature.WRAP_ROOT_VALUE).build(),
				// the tree fails on an integer beyond a long, which the reader would copy
				JsonMapper.builder().enable(DeserializationFeature.USE_LONG_FOR_INTS).build());
		for (JsonMapper jsonMapper : mappers) {
			PublishReader reader = new PublishReader(jsonMapper);
			assertThat(reader.isEnabled()).isFalse();
			assertThat(reader.read("[7,\"t\",{\"b\":null,\"a\":1.0}]", "me")).isNull();
		}
	}

	@Test
	void indentedOutputIsIndentedTheSameEitherWay() {
		JsonMapper jsonMapper = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
		PublishReader reader = new PublishReader(jsonMapper);
		assertThat(reader.isEnabled()).isTrue();
		for (String event : PublishCorpus.events()) {
			String message = "[7,\"t\"," + event + "]";
			PublishReader.Publish publish = reader.read(message, "me");
			assertThat(publish).as(event).isNotNull();
			assertThat(publish.eventJson()).as(event).isEqualTo(PublishCorpus.treeText(jsonMapper, message));
		}
		assertThat(reader.read("[7,\"t\",{\"a\":[1]}]", "me").eventJson()).contains("\n");
	}

}
