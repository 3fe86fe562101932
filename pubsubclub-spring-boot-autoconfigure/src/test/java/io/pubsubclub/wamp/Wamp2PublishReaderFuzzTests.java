package io.pubsubclub.wamp;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pubsubclub.FuzzInputs;
import io.pubsubclub.wamp.Wamp2PublishReader.Malformed;
import io.pubsubclub.wamp.Wamp2PublishReader.Publish;
import io.pubsubclub.wamp.WampServerMetrics.BadFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming v2 PUBLISH reader against the tree path it replaced (the reference below:
 * {@code readTree}, then the shape, id and option rules {@code Wamp2Broker} applied to the
 * tree), on mutations of v2 PUBLISH messages and random ones: whenever the tree path took
 * a message, the reader reads the same request, topic and options, and Arguments,
 * ArgumentsKw and the single argument whose text, read again, is the same JSON; whenever
 * the tree path found it malformed or not JSON, the reader throws {@link Malformed}
 * (the shape's violation when the tree read the JSON); and it never throws anything else.
 * Inputs holding a raw lone surrogate are left out: no text frame brings one (only an
 * escape does, which the corpus has). Fixed seed (see {@link FuzzInputs}); each run
 * prints how many cases it ran.
 */
class Wamp2PublishReaderFuzzTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Test
	void readerAgreesWithTheTreePathOnArbitraryInput() {
		Wamp2PublishReader reader = new Wamp2PublishReader(JSON);
		long seed = FuzzInputs.SEED + 28;
		FuzzInputs fuzz = new FuzzInputs(seed);
		List<String> corpus = new ArrayList<>();
		for (String event : PublishCorpus.events()) {
			corpus.add("[16,1,{},\"com.example.t\",[" + event + "]]");
			corpus.add("[16,2,{\"acknowledge\":true},\"t\",[" + event + ",1],{\"k\":" + event + "}]");
		}
		for (String event : PublishCorpus.loneSurrogateEvents()) {
			corpus.add("[16,3,{\"exclude_me\":false},\"t\",[" + event + "],{}]");
		}
		corpus.add("[16,4,{\"exclude\":[1,2],\"eligible\":[3],\"exclude_authid\":[\"a\"],\"eligible_authrole\":[\"r\"],"
				+ "\"disclose_me\":true},\"t\"]");
		corpus.add("[16, 5 , { } , \"t\" , [ ] , { \"a\" : [ 1 , { } ] } ]");
		List<String> inputs = new ArrayList<>(corpus);
		for (int i = 0; i < FuzzInputs.CASES; i++) {
			inputs.add(switch (i % 4) {
				case 0, 1 -> fuzz.mutate(fuzz.pick(corpus));
				case 2 -> randomPublish(fuzz);
				default -> fuzz.mutate(randomPublish(fuzz));
			});
		}
		List<String> failures = new ArrayList<>();
		int read = 0;
		int malformed = 0;
		for (String input : inputs) {
			if (LoneSurrogates.in(input)) {
				// a text frame is valid UTF-8: only an escape brings a lone surrogate
				continue;
			}
			Tree tree;
			try {
				tree = Tree.read(input);
			}
			catch (JacksonException ex) {
				tree = null;
			}
			if (tree != null && !tree.isPublish()) {
				continue;
			}
			Publish publish;
			try {
				publish = reader.read(input);
			}
			catch (Malformed ex) {
				malformed++;
				if (tree != null && tree.publish() != null) {
					failures.add("reader refused (" + ex.getMessage() + ") what the tree path read: " + shorten(input));
				}
				else if (tree != null && (ex.kind() != BadFrame.BAD_ARGUMENTS
						|| !Wamp2PublishReader.SHAPE.equals(ex.getMessage()))) {
					failures.add("reader gave " + ex.kind() + " for a PUBLISH of the wrong shape: " + shorten(input));
				}
				continue;
			}
			catch (Throwable ex) {
				failures.add("reader threw " + ex + " for " + shorten(input));
				continue;
			}
			read++;
			if (tree == null || tree.publish() == null) {
				failures.add("reader read what the tree path refuses: " + shorten(input));
				continue;
			}
			String difference = tree.difference(publish);
			if (difference != null) {
				failures.add(difference + " for " + shorten(input));
			}
		}
		System.out.println("FUZZ: v2 PUBLISH reader, " + inputs.size() + " cases (seed " + seed + "): " + read
				+ " read, " + malformed + " malformed, " + failures.size() + " failures");
		assertThat(failures).as("inputs on which the reader and the tree path differ").isEmpty();
		assertThat(read).as("inputs read").isGreaterThan(FuzzInputs.CASES / 10);
		assertThat(malformed).as("inputs refused").isGreaterThan(FuzzInputs.CASES / 10);
	}

	private static String randomPublish(FuzzInputs fuzz) {
		StringBuilder message = new StringBuilder("[16,");
		message.append(fuzz.pick(List.of("1", "9007199254740992", "0", "1.0", fuzz.number(), "\"1\"")));
		message.append(',').append(randomOptions(fuzz));
		message.append(',').append((fuzz.nextInt(10) == 0) ? fuzz.json(1) : fuzz.string());
		int more = fuzz.nextInt(4);
		if (more > 0) {
			message.append(",[");
			int n = fuzz.nextInt(4);
			for (int i = 0; i < n; i++) {
				message.append((i > 0) ? "," : "").append(fuzz.json(3));
			}
			message.append(']');
		}
		if (more > 1) {
			message.append(',').append((fuzz.nextInt(6) == 0) ? fuzz.json(2) : "{\"k\":" + fuzz.json(3) + "}");
		}
		if (more > 2 && fuzz.nextInt(3) == 0) {
			message.append(',').append(fuzz.json(1));
		}
		return message.append(']').toString();
	}

	private static String randomOptions(FuzzInputs fuzz) {
		List<String> names = List.of("acknowledge", "exclude_me", "disclose_me", "exclude", "eligible",
				"exclude_authid", "eligible_authid", "exclude_authrole", "eligible_authrole", "other");
		StringBuilder options = new StringBuilder("{");
		int n = fuzz.nextInt(4);
		for (int i = 0; i < n; i++) {
			String value = switch (fuzz.nextInt(6)) {
				case 0 -> fuzz.pick(List.of("true", "false"));
				case 1 -> "[" + fuzz.pick(List.of("1", "2", "0", "9007199254740993", "1.0")) + ","
						+ fuzz.pick(List.of("3", "\"4\"")) + "]";
				case 2 -> "[" + fuzz.string() + "]";
				case 3 -> "[]";
				default -> fuzz.json(2);
			};
			options.append((i > 0) ? "," : "").append('"').append(fuzz.pick(names)).append("\":").append(value);
		}
		return options.append('}').toString();
	}

	private static String shorten(String input) {
		String shown = (input.length() > 200) ? input.substring(0, 200) + "... (" + input.length() + " chars)" : input;
		return shown.replace("\n", "\\n").replace("\r", "\\r");
	}

	/**
	 * The tree path's reading of a message, as {@code Wamp2Dispatcher} and
	 * {@code Wamp2Broker} did it before the reader: the options by
	 * {@code Wamp2Messages.bool} and the id and string list rules, the Arguments and
	 * ArgumentsKw as trees.
	 */
	private record Tree(boolean isPublish, @Nullable TreePublish publish) {

		static Tree read(String payload) {
			JsonNode message = JSON.readTree(payload);
			if (message == null || !message.isArray() || message.isEmpty() || !message.get(0).isIntegralNumber()
					|| !message.get(0).canConvertToInt() || message.get(0).intValue() != 16) {
				return new Tree(false, null);
			}
			long request = Wamp2Messages.id(message.get(1));
			if (!Wamp2Messages.shape(message, 4, 6, 2, 4) || request < 0 || !message.get(3).isString()) {
				return new Tree(true, null);
			}
			JsonNode options = message.get(2);
			Boolean acknowledge = Wamp2Messages.bool(options, "acknowledge", false);
			Boolean excludeMe = Wamp2Messages.bool(options, "exclude_me", true);
			Boolean discloseMe = Wamp2Messages.bool(options, "disclose_me", false);
			List<Set<String>> lists = new ArrayList<>();
			boolean valid = acknowledge != null && excludeMe != null && discloseMe != null;
			for (String name : List.of("exclude", "eligible")) {
				lists.add(ids(options.get(name)));
			}
			for (String name : List.of("exclude_authid", "eligible_authid", "exclude_authrole", "eligible_authrole")) {
				lists.add(strings(options.get(name)));
			}
			valid = valid && !lists.contains(INVALID);
			Wamp2PublishOptions expected;
			if (valid) {
				boolean noAuth = lists.subList(2, 6).stream().allMatch((list) -> list == null);
				expected = new Wamp2PublishOptions(true, acknowledge, excludeMe, discloseMe, lists.get(0), lists.get(1),
						noAuth ? null : new WampPublication.AuthFilter(lists.get(2), lists.get(3), lists.get(4),
								lists.get(5)));
			}
			else {
				expected = new Wamp2PublishOptions(false, Boolean.TRUE.equals(acknowledge), false, false, null, null, null);
			}
			JsonNode args = (message.size() > 4) ? message.get(4) : null;
			JsonNode kwargs = (message.size() > 5) ? message.get(5) : null;
			JsonNode single = (args != null && args.size() == 1 && (kwargs == null || kwargs.isEmpty())) ? args.get(0)
					: null;
			return new Tree(true, new TreePublish(request, expected, message.get(3).stringValue(), args, kwargs,
					single));
		}

		/** What the reader read differently, {@code null} when nothing. */
		@Nullable String difference(Publish publish) {
			TreePublish expected = this.publish;
			if (expected.request() != publish.request() || !expected.topic().equals(publish.topic())) {
				return "request or topic " + publish;
			}
			if (!expected.options().equals(publish.options())) {
				return "options " + publish.options() + " where the tree path read " + expected.options();
			}
			if (!sameJson(expected.arguments(), publish.arguments())
					|| !sameJson(expected.argumentsKw(), publish.argumentsKw())
					|| !sameJson(expected.single(), publish.singleArgument())) {
				return "payload " + publish;
			}
			return null;
		}

		private static boolean sameJson(@Nullable JsonNode expected, @Nullable String text) {
			if (expected == null || text == null) {
				return expected == null && text == null;
			}
			// text that reads back as the same tree, standard JSON without lone surrogates
			return expected.equals(JSON.readTree(text)) && !LoneSurrogates.in(text);
		}

		private static final Set<String> INVALID = Set.of("\u0000invalid");

		private static @Nullable Set<String> ids(@Nullable JsonNode list) {
			if (list == null) {
				return null;
			}
			if (!list.isArray()) {
				return INVALID;
			}
			Set<String> ids = new HashSet<>();
			for (JsonNode element : list) {
				long id = Wamp2Messages.id(element);
				if (id < 0) {
					return INVALID;
				}
				ids.add(Long.toString(id));
			}
			return ids;
		}

		private static @Nullable Set<String> strings(@Nullable JsonNode list) {
			if (list == null) {
				return null;
			}
			if (!list.isArray()) {
				return INVALID;
			}
			Set<String> strings = new HashSet<>();
			for (JsonNode element : list) {
				if (!element.isString()) {
					return INVALID;
				}
				strings.add(element.stringValue());
			}
			return strings;
		}

	}

	private record TreePublish(long request, Wamp2PublishOptions options, String topic, @Nullable JsonNode arguments,
			@Nullable JsonNode argumentsKw, @Nullable JsonNode single) {
	}

}
