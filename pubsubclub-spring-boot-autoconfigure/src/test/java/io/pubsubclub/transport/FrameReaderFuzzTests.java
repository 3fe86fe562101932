package io.pubsubclub.transport;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzing of {@link FrameReader} with fixed seeds, so that a failure is reproduced by
 * its seed: valid streams cut at any points yield the same messages as whole; any byte
 * stream (random, or a valid one mutated) never makes it hold more than the message limit
 * plus a control frame, never throws, and ends decoding with a close code the RFC allows or
 * not at all. The corpus ({@code frame-corpus.txt} beside this class) keeps streams that
 * once broke a reader, with what each must give. More seeds on demand:
 * {@code -Dpubsubclub.fuzz.seeds=100000}.
 */
class FrameReaderFuzzTests {

	private static final int MAX = 4096;

	private static final int SEEDS = Integer.getInteger("pubsubclub.fuzz.seeds", 200);

	static Stream<Integer> seeds() {
		return IntStream.range(0, SEEDS).boxed();
	}

	@ParameterizedTest
	@MethodSource("seeds")
	void validStreamCutAnywhereGivesTheSameEvents(int seed) {
		Random random = new Random(seed);
		ByteArrayOutputStream stream = new ByteArrayOutputStream();
		List<String> expected = new ArrayList<>();
		int messages = 1 + random.nextInt(8);
		for (int m = 0; m < messages; m++) {
			boolean text = random.nextInt(4) != 0;
			byte[] payload = text ? randomText(random).getBytes(StandardCharsets.UTF_8) : randomBytes(random);
			int fragments = 1 + random.nextInt(4);
			int at = 0;
			for (int f = 0; f < fragments; f++) {
				int end = (f == fragments - 1) ? payload.length : at + random.nextInt(payload.length - at + 1);
				stream.writeBytes(frame(random, f == fragments - 1, (f == 0) ? (text ? 1 : 2) : 0,
						java.util.Arrays.copyOfRange(payload, at, end)));
				at = end;
				if (f < fragments - 1 && random.nextInt(3) == 0) {
					// a control frame between the fragments of a message
					byte[] ping = randomBytes(random, 126);
					stream.writeBytes(frame(random, true, 9, ping));
					expected.add("ping " + HexFormat.of().formatHex(ping));
				}
			}
			expected.add((text ? "text " : "binary ") + HexFormat.of().formatHex(payload));
			if (random.nextInt(3) == 0) {
				byte[] pong = randomBytes(random, 126);
				stream.writeBytes(frame(random, true, 10, pong));
				expected.add("pong " + HexFormat.of().formatHex(pong));
			}
		}
		stream.writeBytes(frame(random, true, 8, new byte[] { 3, (byte) 0xE8, 'o', 'k' }));
		expected.add("close 1000 ok");
		byte[] bytes = stream.toByteArray();
		assertThat(feed(bytes.clone(), new int[] { bytes.length }).events).isEqualTo(expected);
		assertThat(feed(bytes.clone(), cuts(random, bytes.length)).events).as("seed %d", seed).isEqualTo(expected);
		int[] ones = new int[bytes.length];
		java.util.Arrays.fill(ones, 1);
		assertThat(feed(bytes.clone(), ones).events).as("seed %d, byte by byte", seed).isEqualTo(expected);
	}

	@ParameterizedTest
	@MethodSource("seeds")
	void anyByteStreamIsBoundedAndEndsWithAnAllowedCode(int seed) {
		Random random = new Random(seed);
		byte[] bytes;
		if (random.nextBoolean()) {
			bytes = randomBytes(random, 1 + random.nextInt(20_000));
		}
		else {
			// a valid stream, mutated: the reader gets far before it breaks
			ByteArrayOutputStream stream = new ByteArrayOutputStream();
			for (int i = 0; i < 1 + random.nextInt(6); i++) {
				stream.writeBytes(frame(random, random.nextInt(3) != 0, random.nextInt(3),
						randomBytes(random, 1 + random.nextInt(3000))));
			}
			bytes = stream.toByteArray();
			for (int i = 0; i < 1 + random.nextInt(4); i++) {
				bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
			}
		}
		Recorder recorder = feed(bytes, cuts(random, bytes.length));
		assertThat(recorder.maxHeld).isLessThanOrEqualTo(MAX + 125);
		if (recorder.failure != null) {
			assertThat(recorder.failure.getCode()).isIn(1002, 1007, 1009);
			assertThat(recorder.events).last().asString().startsWith("failed");
		}
	}

	@Test
	void corpusStreamsGiveWhatTheyMust() throws IOException {
		try (InputStream in = getClass().getResourceAsStream("frame-corpus.txt")) {
			assertThat(in).as("frame-corpus.txt").isNotNull();
			BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			int cases = 0;
			for (String line = lines.readLine(); line != null; line = lines.readLine()) {
				if (line.isBlank() || line.startsWith("#")) {
					continue;
				}
				String[] parts = line.split("\\|");
				byte[] bytes = HexFormat.of().parseHex(parts[0].replace(" ", ""));
				String expected = parts[1].trim();
				Recorder whole = feed(bytes.clone(), new int[] { bytes.length });
				String outcome = whole.events.isEmpty() ? "waiting" : whole.events.get(whole.events.size() - 1);
				assertThat(outcome).as(line).startsWith(expected);
				assertThat(whole.maxHeld).as(line).isLessThanOrEqualTo(MAX + 125);
				cases++;
			}
			assertThat(cases).isGreaterThan(10);
		}
	}

	@Test
	void utf8ValidatorAgreesWithTheJdkOnEveryShortSequence() throws Exception {
		var decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		byte[] bytes = new byte[3];
		for (int first = 0; first < 256; first++) {
			for (int second = 0; second < 256; second++) {
				bytes[0] = (byte) first;
				bytes[1] = (byte) second;
				assertAgrees(decoder, bytes, 2);
				if (first >= 0xE0 && first <= 0xEF) {
					for (int third = 0x70; third < 0xD0; third++) {
						bytes[2] = (byte) third;
						assertAgrees(decoder, bytes, 3);
					}
				}
			}
		}
		Random random = new Random(23);
		byte[] four = new byte[4];
		for (int i = 0; i < 200_000; i++) {
			four[0] = (byte) (0xF0 + random.nextInt(8));
			four[1] = (byte) (0x70 + random.nextInt(0x60));
			four[2] = (byte) (0x70 + random.nextInt(0x60));
			four[3] = (byte) (0x70 + random.nextInt(0x60));
			assertAgrees(decoder, four, 4);
		}
	}

	private static void assertAgrees(java.nio.charset.CharsetDecoder decoder, byte[] bytes, int length) {
		boolean jdk;
		try {
			decoder.reset().decode(ByteBuffer.wrap(bytes, 0, length));
			jdk = true;
		}
		catch (CharacterCodingException ex) {
			jdk = false;
		}
		boolean ours = Utf8Validator.validate(Utf8Validator.ACCEPT, bytes, 0, length) == Utf8Validator.ACCEPT;
		assertThat(ours).as(HexFormat.of().formatHex(bytes, 0, length)).isEqualTo(jdk);
		// the same, byte by byte
		int state = Utf8Validator.ACCEPT;
		for (int i = 0; i < length; i++) {
			state = Utf8Validator.validate(state, bytes, i, 1);
		}
		assertThat(state == Utf8Validator.ACCEPT).isEqualTo(jdk);
	}

	static Recorder feed(byte[] bytes, int[] cuts) {
		Recorder recorder = new Recorder();
		FrameReader reader = new FrameReader(MAX, recorder);
		int at = 0;
		for (int i = 0; i < cuts.length && at < bytes.length; i++) {
			int length = Math.min(cuts[i], bytes.length - at);
			reader.read(bytes, at, length);
			recorder.maxHeld = Math.max(recorder.maxHeld, reader.heldBytes());
			at += length;
		}
		if (at < bytes.length) {
			reader.read(bytes, at, bytes.length - at);
			recorder.maxHeld = Math.max(recorder.maxHeld, reader.heldBytes());
		}
		return recorder;
	}

	private static int[] cuts(Random random, int length) {
		List<Integer> cuts = new ArrayList<>();
		int total = 0;
		while (total < length) {
			int cut = 1 + random.nextInt(random.nextBoolean() ? 8 : 600);
			cuts.add(cut);
			total += cut;
		}
		return cuts.stream().mapToInt(Integer::intValue).toArray();
	}

	static byte[] frame(Random random, boolean fin, int opcode, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length <= 0xFFFF) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(0x80 | 127);
			for (int i = 7; i >= 0; i--) {
				frame.write((int) ((long) payload.length >>> (8 * i)));
			}
		}
		byte[] mask = new byte[4];
		random.nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		return frame.toByteArray();
	}

	private static String randomText(Random random) {
		StringBuilder text = new StringBuilder();
		int length = random.nextInt(random.nextBoolean() ? 40 : 900);
		while (text.length() < length) {
			int kind = random.nextInt(4);
			int codePoint = switch (kind) {
				case 0 -> 0x20 + random.nextInt(0x5F);
				case 1 -> 0x80 + random.nextInt(0x780);
				case 2 -> {
					int c = 0x800 + random.nextInt(0xF800);
					yield (c >= 0xD800 && c <= 0xDFFF) ? 'x' : c;
				}
				default -> 0x10000 + random.nextInt(0x100000);
			};
			text.appendCodePoint(codePoint);
		}
		return text.toString();
	}

	private static byte[] randomBytes(Random random) {
		return randomBytes(random, random.nextInt(random.nextBoolean() ? 130 : 3000));
	}

	private static byte[] randomBytes(Random random, int bound) {
		byte[] bytes = new byte[(bound <= 1) ? 0 : random.nextInt(bound)];
		random.nextBytes(bytes);
		return bytes;
	}

	static final class Recorder implements FrameReader.Listener {

		final List<String> events = new ArrayList<>();

		CloseStatus failure;

		int maxHeld;

		private boolean ended;

		@Override
		public void message(boolean text, byte[] buffer, int start, int length) {
			event((text ? "text " : "binary ") + HexFormat.of().formatHex(buffer, start, start + length));
		}

		@Override
		public void ping(byte[] payload) {
			event("ping " + HexFormat.of().formatHex(payload));
		}

		@Override
		public void pong(byte[] payload) {
			event("pong " + HexFormat.of().formatHex(payload));
		}

		@Override
		public void close(int code, String reason) {
			event("close " + code + " " + reason);
			this.ended = true;
		}

		@Override
		public void failed(CloseStatus status) {
			event("failed " + status.getCode() + " " + status.getReason());
			this.failure = status;
			this.ended = true;
		}

		private void event(String event) {
			assertThat(this.ended).as("an event after the end: " + event).isFalse();
			this.events.add(event);
		}

	}

}
