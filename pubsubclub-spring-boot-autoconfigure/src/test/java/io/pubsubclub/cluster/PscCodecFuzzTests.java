package io.pubsubclub.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.pubsubclub.FuzzInputs;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of the PSC codec: every input, however broken, decodes to a message or to a
 * {@link PscProtocolException} with close code 1002 and a reason, never to another
 * exception; what a decode allocates and returns is bounded by the frame's size; and
 * every frame the encoders write, of every type and version (1.2's sequence numbers,
 * sessions, 203 and 204 included), decodes to what was encoded.
 * <p>
 * The inputs are mutations of the corpus in {@code src/test/resources/fuzz/psc-frames.txt},
 * frames built from random JSON values (huge numbers, deep nesting, escapes, lone
 * surrogates) under every message type, and random text; the seed is fixed (see
 * {@link FuzzInputs}). Each test prints how many cases it ran.
 */
class PscCodecFuzzTests {

	/**
	 * What one decode may allocate: the parser's buffers (recycled, but grown for a long
	 * token) and the strings it returns, in bytes, for a frame of the given length in
	 * chars. A decoder that sized a buffer from a number in the frame would pass this by
	 * orders of magnitude.
	 */
	static long allocationBound(int length) {
		return 512 * 1024 + 64L * length;
	}

	private static final List<Integer> TYPES = List.of(101, 102, 201, 202, 203, 204, 301);

	@Test
	void everyInputDecodesToAMessageOrAProtocolErrorWithinItsSize() {
		FuzzInputs fuzz = new FuzzInputs(FuzzInputs.SEED + 1);
		List<String> corpus = FuzzInputs.corpus("psc-frames.txt");
		List<String> failures = new ArrayList<>();
		int messages = 0;
		int errors = 0;
		long maxAllocated = 0;
		int cases = 0;
		// the corpus as it is, then its mutations, random frames and random text
		List<String> inputs = new ArrayList<>(corpus);
		for (int i = 0; i < FuzzInputs.CASES; i++) {
			inputs.add(switch (i % 5) {
				case 0, 1 -> fuzz.mutate(fuzz.pick(corpus));
				case 2 -> randomFrame(fuzz);
				case 3 -> "[" + fuzz.pick(TYPES) + "," + fuzz.deep(1 + fuzz.nextInt(1500)) + "]";
				default -> fuzz.mutate(randomFrame(fuzz));
			});
		}
		for (String input : inputs) {
			cases++;
			long before = FuzzInputs.allocatedBytes();
			try {
				PscMessage message = PscCodec.decode(input);
				long allocated = FuzzInputs.allocatedBytes() - before;
				maxAllocated = Math.max(maxAllocated, allocated);
				messages++;
				if (allocated > allocationBound(input.length())) {
					failures.add("allocated " + allocated + " bytes for " + input.length() + " chars: " + shorten(input));
				}
				if (textIn(message) > input.length()) {
					failures.add("decoded text longer than the frame: " + shorten(input));
				}
			}
			catch (PscProtocolException ex) {
				long allocated = FuzzInputs.allocatedBytes() - before;
				maxAllocated = Math.max(maxAllocated, allocated);
				errors++;
				if (ex.closeCode() != 1002 || ex.getMessage() == null || ex.getMessage().isBlank()) {
					failures.add("protocol error without a 1002 and a reason (" + ex.closeCode() + ", " + ex.getMessage()
							+ "): " + shorten(input));
				}
				if (allocated > allocationBound(input.length())) {
					failures.add("allocated " + allocated + " bytes refusing " + input.length() + " chars: "
							+ shorten(input));
				}
			}
			catch (Throwable ex) {
				failures.add(ex + " for " + shorten(input));
			}
		}
		System.out.println("FUZZ: PSC decode, " + cases + " cases (seed " + (FuzzInputs.SEED + 1) + "): " + messages
				+ " messages, " + errors + " protocol errors, " + failures.size() + " failures; most allocated by one"
				+ " decode " + maxAllocated / 1024 + " KB");
		assertThat(failures).as("inputs the decoder mishandled").isEmpty();
		// most inputs are broken: valid frames are the round trip test's business
		assertThat(messages).as("valid frames among the inputs").isGreaterThan(FuzzInputs.CASES / 100);
		assertThat(errors).as("malformed frames among the inputs").isGreaterThan(FuzzInputs.CASES / 5);
	}

	@Test
	void everyFrameTheEncodersWriteDecodesToWhatWasEncoded() {
		FuzzInputs fuzz = new FuzzInputs(FuzzInputs.SEED + 2);
		List<String> failures = new ArrayList<>();
		int cases = 0;
		for (int i = 0; i < FuzzInputs.CASES; i++) {
			cases++;
			String frame;
			PscMessage expected;
			switch (i % 9) {
				case 0 -> {
					List<ProtocolVersion> versions = new ArrayList<>();
					int n = 1 + fuzz.nextInt(4);
					for (int v = 0; v < n; v++) {
						versions.add(new ProtocolVersion(fuzz.nextInt(3), fuzz.nextInt(Integer.MAX_VALUE)));
					}
					frame = PscCodec.hello(versions);
					expected = new PscMessage.Hello(versions);
				}
				case 1 -> {
					ProtocolVersion version = fuzz.pick(List.of(ProtocolVersion.V1_0, ProtocolVersion.V1_1));
					long nodeId = fuzz.random().nextLong();
					frame = PscCodec.welcome(version, nodeId);
					expected = new PscMessage.Welcome(version, version.carriesNodeId() ? nodeId : null);
				}
				case 2 -> {
					long nodeId = fuzz.random().nextLong();
					String epoch = text(fuzz, 1, PscResumeCodec.MAX_EPOCH_LENGTH);
					frame = PscResumeCodec.welcome(nodeId, epoch);
					expected = new PscMessage.Welcome(new ProtocolVersion(1, 2), nodeId, epoch);
				}
				case 3 -> {
					String topic = text(fuzz, 0, 300);
					frame = PscCodec.subscribe(topic);
					expected = new PscMessage.Subscribe(List.of(topic));
				}
				case 4 -> {
					String topic = text(fuzz, 0, 300);
					frame = PscCodec.unsubscribe(topic);
					expected = new PscMessage.Unsubscribe(List.of(topic));
				}
				case 5 -> {
					String topic = text(fuzz, 0, 100);
					String event = fuzz.json(4);
					frame = PscCodec.event(topic, event);
					expected = new PscMessage.Event(topic, event);
				}
				case 6 -> {
					String topic = text(fuzz, 0, 100);
					String event = fuzz.json(4);
					long seq = 1 + (fuzz.random().nextLong() & Long.MAX_VALUE) % Long.MAX_VALUE;
					Set<String> exclude = fuzz.random().nextBoolean() ? ids(fuzz) : null;
					Set<String> eligible = fuzz.random().nextBoolean() ? ids(fuzz) : null;
					boolean named = exclude != null || eligible != null || fuzz.random().nextBoolean();
					frame = PscResumeCodec.event(PscCodec.quote(topic), event, seq,
							named ? PscResumeCodec.sessions(exclude, eligible) : null);
					expected = new PscMessage.Event(topic, event, seq,
							named ? new PscMessage.Sessions(exclude, eligible) : null);
				}
				case 7 -> {
					String epoch = text(fuzz, 1, PscResumeCodec.MAX_EPOCH_LENGTH);
					long lastSeq = fuzz.random().nextLong() & Long.MAX_VALUE;
					List<String> topics = new ArrayList<>(ids(fuzz));
					frame = PscResumeCodec.resume(epoch, lastSeq, topics);
					expected = new PscMessage.Resume(epoch, lastSeq, topics);
				}
				default -> {
					boolean complete = fuzz.random().nextBoolean();
					long first = complete ? 0 : fuzz.random().nextLong() & Long.MAX_VALUE;
					frame = PscResumeCodec.resumed(complete, first);
					expected = new PscMessage.Resumed(complete, first);
				}
			}
			try {
				PscMessage decoded = PscCodec.decode(frame);
				if (!decoded.equals(expected)) {
					failures.add(shorten(frame) + " decoded to " + decoded + ", not " + expected);
				}
			}
			catch (Throwable ex) {
				failures.add(ex + " for the encoders' own " + shorten(frame));
			}
		}
		System.out.println("FUZZ: PSC round trips, " + cases + " cases (seed " + (FuzzInputs.SEED + 2) + "), "
				+ failures.size() + " failures");
		assertThat(failures).as("frames that did not round trip").isEmpty();
	}

	private static String randomFrame(FuzzInputs fuzz) {
		StringBuilder frame = new StringBuilder("[").append(fuzz.nextInt(10) == 0 ? fuzz.number() : fuzz.pick(TYPES));
		int n = fuzz.nextInt(6);
		for (int i = 0; i < n; i++) {
			frame.append(',').append(switch (fuzz.nextInt(6)) {
				case 0 -> "[" + fuzz.number() + "," + fuzz.number() + "]";
				case 1 -> fuzz.string();
				case 2 -> (fuzz.nextInt(10) == 0) ? fuzz.hugeNumber() : fuzz.number();
				case 3 -> "{\"" + fuzz.pick(List.of("exclude", "eligible", "x")) + "\":[" + fuzz.string() + "]}";
				default -> fuzz.json(3);
			});
		}
		return frame.append(']').toString();
	}

	/** Any UTF-16 text, lone surrogates included: the codec must carry what it is given. */
	private static String text(FuzzInputs fuzz, int min, int max) {
		int length = min + fuzz.nextInt(max - min + 1);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			char c = switch (fuzz.nextInt(6)) {
				case 0 -> (char) fuzz.nextInt(0x10000);
				case 1 -> fuzz.pick(List.of('"', '\\', '\n', '\u0000', '\u2028', '/', ']'));
				default -> (char) ('a' + fuzz.nextInt(26));
			};
			text.append(c);
		}
		return text.toString();
	}

	private static Set<String> ids(FuzzInputs fuzz) {
		Set<String> ids = new LinkedHashSet<>();
		int n = fuzz.nextInt(4);
		for (int i = 0; i < n; i++) {
			ids.add(text(fuzz, 0, 20));
		}
		return Set.copyOf(ids);
	}

	private static long textIn(PscMessage message) {
		if (message instanceof PscMessage.Event event) {
			return event.topic().length() + event.eventJson().length();
		}
		if (message instanceof PscMessage.Subscribe subscribe) {
			return length(subscribe.topics());
		}
		if (message instanceof PscMessage.Unsubscribe unsubscribe) {
			return length(unsubscribe.topics());
		}
		if (message instanceof PscMessage.Resume resume) {
			return resume.epoch().length() + length(resume.topics());
		}
		if (message instanceof PscMessage.Welcome welcome && welcome.epoch() != null) {
			return welcome.epoch().length();
		}
		return 0;
	}

	private static long length(List<String> texts) {
		return texts.stream().mapToLong(String::length).sum();
	}

	private static String shorten(@Nullable String input) {
		if (input == null) {
			return "null";
		}
		String shown = (input.length() > 200) ? input.substring(0, 200) + "... (" + input.length() + " chars)" : input;
		return shown.replace("\n", "\\n").replace("\r", "\\r");
	}

}
