package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.FuzzInputs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the streaming PUBLISH reader against the tree path it stands in for, on
 * arbitrary input rather than only the corpus: the reader never throws, never allocates
 * more than a bound of the message's size, and whenever it answers, the tree path (the
 * reference: {@code readTree}, then the dispatcher's rules for the topic, the event
 * text and the exclude and eligible options) reads the same message to the same
 * publish. Whatever it declines goes to the tree path, which answers a malformed message
 * with a counted, logged bad frame; the tree path itself must then fail only with a
 * {@link JacksonException} (its "not JSON").
 * <p>
 * The inputs: mutations of {@link PublishCorpus} and of
 * {@code src/test/resources/fuzz/wamp-publish.txt}, PUBLISH messages built from random
 * JSON values and options, deep nesting; fixed seed (see {@link FuzzInputs}). Each run
 * prints how many cases it ran and how many the reader answered.
 */
class PublishReaderFuzzTests {

	private static final Map<String, JsonMapper> MAPPERS = Map.of("default", JsonMapper.builder().build(), "lenient",
			JsonMapper.builder()
				.enable(JsonWriteFeature.ESCAPE_NON_ASCII)
				.enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
						JsonReadFeature.ALLOW_TRAILING_COMMA, JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS,
						JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES)
				.build());

	/** What one read may allocate, in bytes, for a message of the given length in chars. */
	static long allocationBound(int length) {
		return 512 * 1024 + 64L * length;
	}

	@ParameterizedTest(name = "{0} mapper")
	@ValueSource(strings = { "default", "lenient" })
	void readerAgreesWithTheTreePathOnArbitraryInput(String mapperName) {
		JsonMapper jsonMapper = MAPPERS.get(mapperName);
		PublishReader reader = new PublishReader(jsonMapper);
		assertThat(reader.isEnabled()).isTrue();
		long seed = FuzzInputs.SEED + 10 + mapperName.length();
		FuzzInputs fuzz = new FuzzInputs(seed);
		List<String> corpus = new ArrayList<>(FuzzInputs.corpus("wamp-publish.txt"));
		for (String event : PublishCorpus.events()) {
			corpus.add("[7,\"t\"," + event + "]");
		}
		for (String event : PublishCorpus.loneSurrogateEvents()) {
			corpus.add("[7,\"t\"," + event + ",false]");
		}
		List<String> inputs = new ArrayList<>(corpus);
		for (int i = 0; i < FuzzInputs.CASES; i++) {
			inputs.add(switch (i % 5) {
				case 0, 1 -> fuzz.mutate(fuzz.pick(corpus));
				case 2 -> randomPublish(fuzz);
				case 3 -> "[7,\"t\"," + fuzz.deep(1 + fuzz.nextInt(1500)) + "]";
				default -> fuzz.mutate(randomPublish(fuzz));
			});
		}
		List<String> failures = new ArrayList<>();
		int answered = 0;
		int declinedPublishes = 0;
		long maxAllocated = 0;
		for (String input : inputs) {
			long before = FuzzInputs.allocatedBytes();
			PublishReader.Publish publish;
			try {
				publish = reader.read(input, "me");
			}
			catch (Throwable ex) {
				failures.add("reader threw " + ex + " for " + shorten(input));
				continue;
			}
			long allocated = FuzzInputs.allocatedBytes() - before;
			maxAllocated = Math.max(maxAllocated, allocated);
			if (allocated > allocationBound(input.length())) {
				failures.add("reader allocated " + allocated + " bytes for " + input.length() + " chars: " + shorten(input));
			}
			Tree tree;
			try {
				tree = Tree.read(jsonMapper, input, "me");
			}
			catch (JacksonException ex) {
				tree = null;
			}
			catch (Throwable ex) {
				failures.add("tree path threw " + ex + " for " + shorten(input));
				continue;
			}
			if (publish != null) {
				answered++;
				if (tree == null || tree.publish() == null) {
					failures.add("reader read a publish the tree path refuses: " + shorten(input));
				}
				else if (!tree.publish().equals(publish)) {
					failures.add("reader " + publish + " but tree " + tree.publish() + " for " + shorten(input));
				}
			}
			else if (tree != null && tree.publish() != null) {
				declinedPublishes++;
			}
		}
		System.out.println("FUZZ: PUBLISH reader (" + mapperName + " mapper), " + inputs.size() + " cases (seed " + seed
				+ "): " + answered + " read by the reader, " + declinedPublishes
				+ " valid publishes left to the tree path, " + failures.size() + " failures; most allocated by one read "
				+ maxAllocated / 1024 + " KB");
		assertThat(failures).as("inputs on which the reader and the tree path differ").isEmpty();
		assertThat(answered).as("inputs the reader read").isGreaterThan(FuzzInputs.CASES / 10);
	}

	private static String randomPublish(FuzzInputs fuzz) {
		StringBuilder message = new StringBuilder("[7,");
		message.append((fuzz.nextInt(8) == 0) ? fuzz.json(1) : fuzz.string());
		message.append(',').append(fuzz.json(4));
		int options = fuzz.nextInt(4);
		for (int i = 0; i < options; i++) {
			message.append(',').append(switch (fuzz.nextInt(5)) {
				case 0 -> fuzz.pick(List.of("true", "false"));
				case 1 -> "[" + fuzz.string() + "," + fuzz.json(1) + "," + fuzz.string() + "]";
				case 2 -> "[]";
				default -> fuzz.json(2);
			});
		}
		return message.append(']').toString();
	}

	private static String shorten(String input) {
		String shown = (input.length() > 200) ? input.substring(0, 200) + "... (" + input.length() + " chars)" : input;
		return shown.replace("\n", "\\n").replace("\r", "\\r");
	}

	/**
	 * The tree path's reading of a message, by the rules of
	 * {@code WampMessageDispatcher}: a PUBLISH is an array whose first element is the
	 * integer 7, of three to five elements, with a string topic.
	 */
	private record Tree(PublishReader.@Nullable Publish publish) {

		static Tree read(JsonMapper jsonMapper, String payload, String publisherId) {
			JsonNode message = jsonMapper.readTree(payload);
			if (message == null || !message.isArray() || message.isEmpty() || !message.get(0).isIntegralNumber()
					|| !message.get(0).canConvertToInt() || message.get(0).intValue() != 7) {
				return new Tree(null);
			}
			if (message.size() < 3 || message.size() > 5 || !message.get(1).isString()) {
				return new Tree(null);
			}
			Set<String> exclude = Set.of(publisherId);
			Set<String> eligible = null;
			if (message.size() >= 4) {
				JsonNode option = message.get(3);
				if (option.isBoolean()) {
					exclude = option.booleanValue() ? exclude : null;
				}
				else if (option.isArray()) {
					exclude = ids(option);
				}
			}
			if (message.size() == 5 && message.get(4).isArray()) {
				eligible = ids(message.get(4));
			}
			return new Tree(new PublishReader.Publish(message.get(1).stringValue(),
					jsonMapper.writeValueAsString(message.get(2)), exclude, eligible));
		}

		private static Set<String> ids(JsonNode array) {
			Set<String> ids = new HashSet<>();
			for (JsonNode id : array) {
				if (id.isString()) {
					ids.add(Objects.requireNonNull(id.stringValue()));
				}
			}
			return ids;
		}

	}

}
