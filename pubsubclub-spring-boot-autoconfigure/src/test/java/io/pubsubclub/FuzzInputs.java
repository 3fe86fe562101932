package io.pubsubclub;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import tools.jackson.databind.json.JsonMapper;

/**
 * Inputs for the codecs' fuzz tests, from a {@link Random} with a fixed seed so that a
 * failure replays: JSON values of every kind (escapes, raw non-ASCII, surrogate pairs and
 * lone surrogates, huge and odd numbers, deep nesting), and mutations of a corpus kept in
 * {@code src/test/resources/fuzz} (characters cut, inserted, repeated or swapped for the
 * ones JSON gives meaning to, the text cut short).
 * <p>
 * {@code -Dpubsubclub.fuzz.cases=N} sets how many inputs each property is tried on
 * (default {@value #DEFAULT_CASES}), {@code -Dpubsubclub.fuzz.seed=S} the seed (default
 * fixed, so every build tries the same inputs; a failure names the seed and case).
 */
public final class FuzzInputs {

	static final int DEFAULT_CASES = 4000;

	/** How many inputs each property is tried on. */
	public static final int CASES = Integer.getInteger("pubsubclub.fuzz.cases", DEFAULT_CASES);

	/** The seed of the first property; each property adds its own number. */
	public static final long SEED = Long.getLong("pubsubclub.fuzz.seed", 20261207L);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String MEANINGFUL = "[]{}\",:\\-+.0123456789eEtrufalsn \t\r\n/*'\u0000\u00e9\ud800\udc00";

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private final Random random;

	public FuzzInputs(long seed) {
		this.random = new Random(seed);
	}

	public Random random() {
		return this.random;
	}

	/**
	 * Read a corpus file: one input a line, each a JSON string (so that a line can hold a
	 * line break or a lone surrogate); blank lines and lines starting with {@code #} are
	 * skipped.
	 * @param name the file's name in {@code src/test/resources/fuzz}
	 * @return the inputs
	 */
	public static List<String> corpus(String name) {
		try (InputStream in = FuzzInputs.class.getResourceAsStream("/fuzz/" + name)) {
			if (in == null) {
				throw new IllegalStateException("No corpus fuzz/" + name + " on the test class path");
			}
			List<String> inputs = new ArrayList<>();
			for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
				if (!line.isBlank() && !line.startsWith("#")) {
					inputs.add(JSON.readValue(line, String.class));
				}
			}
			return inputs;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The bytes this thread has allocated so far (HotSpot's counter). */
	public static long allocatedBytes() {
		return THREADS.getCurrentThreadAllocatedBytes();
	}

	public int nextInt(int bound) {
		return this.random.nextInt(bound);
	}

	public <T> T pick(List<T> values) {
		return values.get(this.random.nextInt(values.size()));
	}

	/** A JSON value, valid unless a lone surrogate makes its text invalid UTF-16. */
	public String json(int depth) {
		int kind = this.random.nextInt((depth > 0) ? 8 : 5);
		return switch (kind) {
			case 0 -> string();
			case 1 -> number();
			case 2 -> pick(List.of("true", "false", "null"));
			case 3 -> string();
			case 4 -> number();
			case 5, 6 -> {
				StringBuilder array = new StringBuilder("[");
				int n = this.random.nextInt(5);
				for (int i = 0; i < n; i++) {
					array.append((i > 0) ? "," : "").append(space()).append(json(depth - 1)).append(space());
				}
				yield array.append(']').toString();
			}
			default -> {
				StringBuilder object = new StringBuilder("{");
				int n = this.random.nextInt(4);
				for (int i = 0; i < n; i++) {
					object.append((i > 0) ? "," : "").append(string()).append(space()).append(':').append(json(depth - 1));
				}
				yield object.append('}').toString();
			}
		};
	}

	/** A JSON string literal: plain, escaped, raw non-ASCII, pairs, lone surrogates. */
	public String string() {
		StringBuilder text = new StringBuilder("\"");
		int n = this.random.nextInt(12);
		for (int i = 0; i < n; i++) {
			switch (this.random.nextInt(12)) {
				case 0 -> text.append("\\\"");
				case 1 -> text.append("\\\\");
				case 2 -> text.append(pick(List.of("\\n", "\\t", "\\r", "\\b", "\\f", "\\/")));
				case 3 -> text.append(String.format("\\u%04x", this.random.nextInt(0x10000)));
				case 4 -> text.append(pick(List.of("\u00e9", "\u4e2d", "\ud83d\ude00", "\u2028")));
				case 5 -> text.append(pick(List.of("\ud800", "\udfff", "\\ud800", "\\udc00x", "\\ud83d\\ude00")));
				case 6 -> text.append(pick(List.of("]", "}", ",", "[", "{", ":", "'")));
				default -> text.append((char) ('a' + this.random.nextInt(26)));
			}
		}
		return text.append('"').toString();
	}

	/** A JSON number: small, at and past the int and long limits, huge, odd forms. */
	public String number() {
		return switch (this.random.nextInt(8)) {
			case 0 -> Integer.toString(this.random.nextInt(1000) - 10);
			case 1 -> Long.toString(this.random.nextLong());
			case 2 -> pick(List.of("2147483647", "2147483648", "-2147483649", "9223372036854775807",
					"9223372036854775808", "-9223372036854775809", "0", "-0", "1", "101", "301"));
			case 3 -> "9".repeat(1 + this.random.nextInt(60));
			case 4 -> pick(List.of("1e400", "-1e400", "1E-400", "0.1", "1.0", "-0.0", "1e2", "101.0", "1.5e3"));
			case 5 -> this.random.nextInt(1000) + "." + this.random.nextInt(1000) + "e" + (this.random.nextInt(40) - 20);
			// past the default parser's limit of 1,000 digits too, as Jackson writes a
			// BigInteger: the PSC codec must carry it (a WAMP client's PUBLISH may not)
			case 6 -> "1" + "0".repeat(this.random.nextInt(1200));
			default -> Integer.toString(this.random.nextInt(3) + 1);
		};
	}

	/** A number past the default parser's limit of 1,000 digits. */
	public String hugeNumber() {
		return "1" + "0".repeat(1000 + this.random.nextInt(200));
	}

	/** A value nested {@code levels} deep in arrays and objects. */
	public String deep(int levels) {
		StringBuilder open = new StringBuilder();
		StringBuilder close = new StringBuilder();
		for (int i = 0; i < levels; i++) {
			if (this.random.nextBoolean()) {
				open.append('[');
				close.insert(0, ']');
			}
			else {
				open.append("{\"k\":");
				close.insert(0, '}');
			}
		}
		return open + "0" + close;
	}

	private String space() {
		return (this.random.nextInt(6) == 0) ? pick(List.of(" ", "\n", "\t ", "\r\n")) : "";
	}

	/** The text with one to four random changes. */
	public String mutate(String text) {
		StringBuilder mutated = new StringBuilder(text);
		int changes = 1 + this.random.nextInt(4);
		for (int c = 0; c < changes; c++) {
			int at = (mutated.length() == 0) ? 0 : this.random.nextInt(mutated.length() + 1);
			switch (this.random.nextInt(7)) {
				case 0 -> {
					if (mutated.length() > 0) {
						int end = Math.min(mutated.length(), at + 1 + this.random.nextInt(8));
						mutated.delete(Math.min(at, mutated.length() - 1), end);
					}
				}
				case 1 -> mutated.insert(at, MEANINGFUL.charAt(this.random.nextInt(MEANINGFUL.length())));
				case 2 -> {
					if (at < mutated.length()) {
						mutated.setCharAt(at, MEANINGFUL.charAt(this.random.nextInt(MEANINGFUL.length())));
					}
				}
				case 3 -> {
					int end = Math.min(mutated.length(), at + this.random.nextInt(16));
					mutated.insert(at, mutated.substring(at, end));
				}
				case 4 -> mutated.setLength(at);
				case 5 -> mutated.insert(at, json(2));
				default -> mutated.insert(at, (this.random.nextInt(8) == 0) ? hugeNumber() : number());
			}
		}
		return mutated.toString();
	}

}
