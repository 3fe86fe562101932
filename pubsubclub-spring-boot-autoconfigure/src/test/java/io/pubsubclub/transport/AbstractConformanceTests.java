package io.pubsubclub.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.pubsubclub.support.WebSocketWire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RFC 6455 conformance of the WAMP endpoint, case groups as Autobahn|Testsuite's (1
 * framing, 2 ping/pong, 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close
 * handling, 8 masking, 9 limits) plus robustness against hostile clients, on raw sockets.
 * Each subclass runs every case against one transport with the same expectations, so that
 * the lean transport never does less than Tomcat's own. The expectations follow the
 * testsuite's case descriptions (crossbario/autobahn-testsuite, {@code autobahntestsuite/case});
 * the cases are written here. "Echo" is a WAMP PUBLISH to a topic the session subscribed
 * to, with excludeMe false, coming back as an EVENT.
 */
abstract class AbstractConformanceTests extends ConformanceTestSupport {

	// ------------------------------------------------------------------ 1 framing

	@Test
	void case1TextOfEveryLengthEncodingArrivesWhole() throws Exception {
		try (RawWebSocket session = echoSession()) {
			for (int length : new int[] { 0, 60, 125, 126, 127, 128, 1000, 65535, 65536 - 200 }) {
				String content = "a".repeat(length);
				session.send(true, 0, 1, publish(content), true);
				assertEcho(session, content);
			}
		}
	}

	@Test
	void case1FramesWrittenOneByteAtATimeArriveWhole() throws Exception {
		try (RawWebSocket session = echoSession()) {
			String content = "chopped " + "b".repeat(300);
			byte[] frame = WebSocketWire.frame(true, 0, 1, publish(content), true);
			for (byte b : frame) {
				session.write(new byte[] { b });
			}
			assertEcho(session, content);
		}
	}

	@Test
	void case1BinaryMessageIsRefusedByTheWampHandlerWith1003() throws Exception {
		try (RawWebSocket session = open()) {
			session.send(true, 0, 2, bytes(1, 2, 3), true);
			assertFailed(session, 1003);
		}
	}

	// ------------------------------------------------------------------ 2 ping/pong

	@Test
	void case2PingsAreAnsweredWithTheirPayload() throws Exception {
		try (RawWebSocket session = open()) {
			for (byte[] payload : List.of(new byte[0], "Hello, world!".getBytes(StandardCharsets.UTF_8),
					bytes(0, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0), new byte[125])) {
				session.send(true, 0, 9, payload, true);
				WebSocketWire.Frame pong = session.next();
				assertThat(pong.opcode()).isEqualTo(10);
				assertThat(pong.payload()).isEqualTo(payload);
			}
		}
	}

	@Test
	void case2PingOver125BytesFailsTheConnection() throws Exception {
		try (RawWebSocket session = open()) {
			session.send(true, 0, 9, new byte[126], true);
			assertFailed(session, 1002);
		}
	}

	@Test
	void case2UnsolicitedPongIsIgnored() throws Exception {
		try (RawWebSocket session = echoSession()) {
			session.send(true, 0, 10, "unsolicited".getBytes(StandardCharsets.UTF_8), true);
			assertAlive(session);
		}
	}

	@Test
	void case2TenPingsAtOnceGetAtLeastTheLastAnswered() throws Exception {
		try (RawWebSocket session = echoSession()) {
			ByteArrayOutputStream pings = new ByteArrayOutputStream();
			for (int i = 0; i < 10; i++) {
				pings.writeBytes(WebSocketWire.frame(true, 0, 9, ("ping " + i).getBytes(StandardCharsets.UTF_8), true));
			}
			session.write(pings.toByteArray());
			// RFC 6455 5.5.3: a pong may answer only the latest ping
			String last;
			do {
				WebSocketWire.Frame pong = session.next();
				assertThat(pong.opcode()).isEqualTo(10);
				last = pong.text();
			}
			while (!last.equals("ping 9"));
			assertAlive(session);
		}
	}

	// ------------------------------------------------------------------ 3 reserved bits

	@Test
	void case3ReservedBitsFailTheConnectionAfterWhatCameBefore() throws Exception {
		for (int rsv = 1; rsv <= 7; rsv++) {
			for (int opcode : new int[] { 1, 2, 9 }) {
				try (RawWebSocket session = echoSession()) {
					byte[] good = WebSocketWire.frame(true, 0, 1, publish("before"), true);
					byte[] bad = WebSocketWire.frame(true, rsv, opcode, (opcode == 9) ? new byte[0] : publish("bad"), true);
					byte[] ping = WebSocketWire.frame(true, 0, 9, new byte[0], true);
					session.write(concat(good, bad, ping));
					assertEchoThenFailed(session, "before", 1002);
				}
			}
		}
	}

	// ------------------------------------------------------------------ 4 opcodes

	@Test
	void case4ReservedOpcodesFailTheConnection() throws Exception {
		for (int opcode : new int[] { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 }) {
			try (RawWebSocket session = echoSession()) {
				session.write(concat(WebSocketWire.frame(true, 0, 1, publish("before"), true),
						WebSocketWire.frame(true, 0, opcode, bytes(1, 2), true)));
				assertEchoThenFailed(session, "before", 1002);
			}
		}
	}

	// ------------------------------------------------------------------ 5 fragmentation

	@Test
	void case5FragmentedControlFramesFailTheConnection() throws Exception {
		for (int opcode : new int[] { 9, 10 }) {
			try (RawWebSocket session = open()) {
				session.send(false, 0, opcode, "frag".getBytes(StandardCharsets.UTF_8), true);
				session.send(true, 0, 0, "ment".getBytes(StandardCharsets.UTF_8), true);
				assertFailed(session, 1002);
			}
		}
	}

	@Test
	void case5FragmentedTextWithPingsBetweenIsAssembled() throws Exception {
		try (RawWebSocket session = echoSession()) {
			byte[] message = publish("fragmented across five frames");
			int step = message.length / 5 + 1;
			for (int at = 0, i = 0; at < message.length; at += step, i++) {
				boolean fin = at + step >= message.length;
				session.send(fin, 0, (at == 0) ? 1 : 0, Arrays.copyOfRange(message, at, Math.min(at + step, message.length)),
						true);
				if (!fin) {
					session.send(true, 0, 9, ("p" + i).getBytes(StandardCharsets.UTF_8), true);
					WebSocketWire.Frame pong = session.next();
					assertThat(pong.opcode()).isEqualTo(10);
					assertThat(pong.text()).isEqualTo("p" + i);
				}
			}
			assertEcho(session, "fragmented across five frames");
		}
	}

	@Test
	void case5ContinuationWithoutAMessageFailsTheConnection() throws Exception {
		for (boolean fin : new boolean[] { true, false }) {
			try (RawWebSocket session = open()) {
				session.send(fin, 0, 0, "nothing to continue".getBytes(StandardCharsets.UTF_8), true);
				assertFailed(session, 1002);
			}
		}
	}

	@Test
	void case5ContinuationAfterTheLastFragmentFailsTheConnection() throws Exception {
		try (RawWebSocket session = echoSession()) {
			byte[] message = publish("two parts");
			session.write(concat(WebSocketWire.frame(false, 0, 1, Arrays.copyOf(message, 5), true),
					WebSocketWire.frame(true, 0, 0, Arrays.copyOfRange(message, 5, message.length), true),
					WebSocketWire.frame(true, 0, 0, bytes('x'), true)));
			assertEchoThenFailed(session, "two parts", 1002);
		}
	}

	@Test
	void case5NewMessageBeforeTheLastEndedFailsTheConnection() throws Exception {
		try (RawWebSocket session = open()) {
			session.send(false, 0, 1, bytes('['), true);
			session.send(false, 0, 1, bytes('['), true);
			assertFailed(session, 1002);
		}
	}

	// ------------------------------------------------------------------ 6 UTF-8

	@Test
	void case6ValidUtf8ArrivesWhole() throws Exception {
		try (RawWebSocket session = echoSession()) {
			for (String text : List.of("κόσμε", "\u007F\u0080\u07FF\u0800\uFFFD\uFFFF", "\uD800\uDC00 \uDBFF\uDFFF",
					"é€\uD83D\uDE00", "")) {
				session.send(true, 0, 1, publish(text), true);
				assertEcho(session, text);
			}
		}
	}

	@Test
	void case6ValidUtf8CutInsideACharacterAcrossFramesArrivesWhole() throws Exception {
		try (RawWebSocket session = echoSession()) {
			byte[] message = publish("κόσμε\uD83D\uDE00");
			for (int cut = 1; cut < message.length; cut++) {
				session.write(concat(WebSocketWire.frame(false, 0, 1, Arrays.copyOf(message, cut), true),
						WebSocketWire.frame(true, 0, 0, Arrays.copyOfRange(message, cut, message.length), true)));
				assertEcho(session, "κόσμε\uD83D\uDE00");
			}
		}
	}

	@Test
	void case6InvalidUtf8FailsTheConnectionWith1007() throws Exception {
		List<byte[]> invalid = List.of(bytes(0xC0, 0x80), bytes(0xC1, 0xBF), bytes(0xE0, 0x80, 0x80),
				bytes(0xED, 0xA0, 0x80), bytes(0xED, 0xBF, 0xBF), bytes(0xF4, 0x90, 0x80, 0x80), bytes(0xF5, 0x80),
				bytes(0x80), bytes(0xBF), bytes(0xFE), bytes(0xFF), bytes(0xE2, 0x82), bytes(0xCE, 0xBA, 0xE1));
		for (byte[] bad : invalid) {
			try (RawWebSocket session = open()) {
				session.send(true, 0, 1, concat(bytes('[', '"'), bad, bytes('"', ']')), true);
				assertFailed(session, 1007);
			}
		}
	}

	@Test
	void case6InvalidUtf8InAFragmentFailsFastBeforeTheMessageEnds() throws Exception {
		try (RawWebSocket session = open()) {
			// Autobahn 6.4.1: U+110000 encoded as UTF-8 in the middle fragment; the rest never comes
			session.send(false, 0, 1, "κόσμε".getBytes(StandardCharsets.UTF_8), true);
			session.send(false, 0, 0, bytes(0xF4, 0x90, 0x80, 0x80), true);
			assertFailed(session, 1007);
		}
	}

	// ------------------------------------------------------------------ 7 close handling

	@Test
	void case7CloseWithValidCodesIsAnsweredAndTheConnectionEnds() throws Exception {
		for (int code : new int[] { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999 }) {
			try (RawWebSocket session = open()) {
				session.send(true, 0, 8, bytes(code >>> 8, code & 0xFF, 'o', 'k'), true);
				WebSocketWire.Frame close;
				try {
					close = session.closeFrame();
				}
				catch (java.io.EOFException | java.net.SocketException ex) {
					// Tomcat's transport now and then ends without its answer
					assertThat(strict()).as("no answer to %d: %s", code, ex).isFalse();
					continue;
				}
				assertThat(close.closeCode()).as("answer to %d", code).isIn(1000, code);
				assertThat(session.endOfStream()).isTrue();
			}
		}
	}

	@Test
	void case7EmptyCloseIsAnswered() throws Exception {
		try (RawWebSocket session = open()) {
			session.send(true, 0, 8, new byte[0], true);
			assertThat(session.closeFrame().closeCode()).isIn(1000, 1005);
			assertThat(session.endOfStream()).isTrue();
		}
	}

	@Test
	void case7InvalidCloseFramesFailTheConnection() throws Exception {
		List<byte[]> invalid = new ArrayList<>(List.of(bytes(3), concat(bytes(3, 0xE8), "x".repeat(124).getBytes(
				StandardCharsets.UTF_8))));
		for (int code : new int[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 }) {
			invalid.add(bytes(code >>> 8, code & 0xFF));
		}
		for (byte[] payload : invalid) {
			try (RawWebSocket session = open()) {
				session.write(WebSocketWire.frame(true, 0, 8, payload, true));
				assertFailed(session, 1002);
			}
		}
	}

	@Test
	void case7CloseReasonThatIsNotUtf8FailsTheConnection() throws Exception {
		try (RawWebSocket session = open()) {
			session.send(true, 0, 8, bytes(3, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED,
					0xA0, 0x80, 0x65, 0x64, 0x69, 0x74, 0x65, 0x64), true);
			assertFailed(session, 1002, 1007);
		}
	}

	@Test
	void case7NothingIsAnsweredAfterTheClose() throws Exception {
		try (RawWebSocket session = echoSession()) {
			session.write(concat(WebSocketWire.frame(true, 0, 8, bytes(3, 0xE8), true),
					WebSocketWire.frame(true, 0, 9, bytes('p'), true),
					WebSocketWire.frame(true, 0, 1, publish("after close"), true)));
			WebSocketWire.Frame frame = session.next();
			assertThat(frame.opcode()).as("the close answer comes first and alone").isEqualTo(8);
			assertThat(session.endOfStream()).isTrue();
		}
	}

	// ------------------------------------------------------------------ 8 masking

	@Test
	void case8UnmaskedFramesFailTheConnectionAtOnce() throws Exception {
		// issue 23, defect 1: two-byte headers with no mask used to wait for four more bytes
		for (byte[] unmasked : List.of(bytes(0x88, 0x02, 0x03, 0xE8), bytes(0x89, 0x00), bytes(0x81, 0x00),
				WebSocketWire.frame(true, 0, 1, publish("unmasked"), false))) {
			try (RawWebSocket session = open()) {
				session.write(unmasked);
				assertFailed(session, 1002);
			}
		}
	}

	@Test
	void case8ZeroMaskingKeyIsAccepted() throws Exception {
		try (RawWebSocket session = echoSession()) {
			byte[] payload = publish("zero mask");
			session.write(concat(bytes(0x81, 0x80 | 126, payload.length >>> 8, payload.length & 0xFF, 0, 0, 0, 0),
					payload));
			assertEcho(session, "zero mask");
		}
	}

	// ------------------------------------------------------------------ 9 limits

	@Test
	void case9MessagesUpToTheLimitArriveAndOverItFailWith1009() throws Exception {
		try (RawWebSocket session = echoSession()) {
			String content = "m".repeat(80 * 1024 - 200);
			session.send(true, 0, 1, publish(content), true);
			assertEcho(session, content);
			byte[] big = publish("n".repeat(96 * 1024));
			int step = 8192;
			for (int at = 0; at < big.length; at += step) {
				session.send(at + step >= big.length, 0, (at == 0) ? 1 : 0,
						Arrays.copyOfRange(big, at, Math.min(at + step, big.length)), true);
			}
			assertFailed(session, 1009);
		}
	}

	// ------------------------------------------------------------------ robustness

	@Test
	void robustnessHugeAnnouncedLengthFailsWith1009() throws Exception {
		try (RawWebSocket session = open()) {
			// 1 GiB announced, then more payload than the limit, written while the server answers
			Thread writer = new Thread(() -> {
				try {
					session.write(bytes(0x81, 0xFF, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4));
					for (int i = 0; i < 16; i++) {
						session.write(new byte[8192]);
					}
				}
				catch (IOException ex) {
					// the server may close before all of it is written
				}
			});
			writer.start();
			assertFailed(session, 1009);
			writer.join(TIMEOUT.toMillis());
		}
	}

	@Test
	void robustnessLengthWithTheMostSignificantBitSetFailsWith1002() throws Exception {
		try (RawWebSocket session = open()) {
			session.write(bytes(0x81, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4));
			assertFailed(session, 1002);
		}
	}

	@Test
	void robustnessPingFloodFromAClientThatReadsNothingHoldsNoMemory() throws Exception {
		// issue 23, defect 3: every ping was read and its pong queued, whatever was stalled
		long limit = 64L * 1024 * 1024;
		try (RawWebSocket flooder = open()) {
			ByteArrayOutputStream chunk = new ByteArrayOutputStream();
			while (chunk.size() < 64 * 1024) {
				chunk.writeBytes(WebSocketWire.frame(true, 0, 9, new byte[125], true));
			}
			byte[] pings = chunk.toByteArray();
			long baseline = usedHeap();
			AtomicLong written = new AtomicLong();
			Thread writer = new Thread(() -> {
				try {
					while (written.get() < limit) {
						flooder.write(pings);
						written.addAndGet(pings.length);
					}
				}
				catch (IOException ex) {
					// cut off: fine
				}
			});
			writer.setDaemon(true);
			writer.start();
			long grown = 0;
			long last = -1;
			// until the flood is written, or the server stopped taking it
			while (writer.isAlive() && written.get() != last) {
				last = written.get();
				writer.join(1000);
				grown = Math.max(grown, usedHeap() - baseline);
			}
			assertThat(grown).as("heap grown during a flood of %d bytes of pings", written.get())
				.isLessThan(32L * 1024 * 1024);
			try (RawWebSocket other = echoSession()) {
				assertAlive(other);
			}
			flooder.close();
			writer.join(TIMEOUT.toMillis());
		}
	}

	private static long usedHeap() {
		System.gc();
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	@Test
	void robustnessClientThatSendsFasterThanItReadsIsSlowedDownNotCutOffOrLost() throws Exception {
		// its writes stall, so the server stops reading it until its socket takes bytes again
		try (RawWebSocket session = echoSession()) {
			String content = "e".repeat(2000);
			int count = 3000;
			Thread writer = new Thread(() -> {
				try {
					byte[] frame = WebSocketWire.frame(true, 0, 1, publish(content), true);
					for (int i = 0; i < count; i++) {
						session.write(frame);
					}
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			writer.setDaemon(true);
			writer.start();
			for (int i = 0; i < count; i++) {
				assertEcho(session, content);
				if (i % 100 == 99) {
					Thread.sleep(20);
				}
			}
			writer.join(TIMEOUT.toMillis());
			assertAlive(session);
		}
	}

	@Test
	void robustnessPublisherStreamingCheapFramesDoesNotStarveASubscriber() throws Exception {
		// issue 23, defect 5: the subscriber's frames waited in the publisher's write batch
		try (RawWebSocket subscriber = echoSession(); RawWebSocket publisher = open()) {
			ByteArrayOutputStream chunk = new ByteArrayOutputStream();
			byte[] unsubscribe = WebSocketWire.frame(true, 0, 1,
					"[6,\"http://example.com/nothing\"]".getBytes(StandardCharsets.UTF_8), true);
			for (int i = 0; i < 2000; i++) {
				chunk.writeBytes(unsubscribe);
			}
			byte[] unsubscribes = chunk.toByteArray();
			boolean[] stop = new boolean[1];
			Thread stream = new Thread(() -> {
				try {
					for (int i = 0; i < 100_000 && !stop[0]; i++) {
						publisher.write(unsubscribes);
						publisher.write(WebSocketWire.frame(true, 0, 1, publish("event " + i), true));
					}
				}
				catch (IOException ex) {
					// ends the stream
				}
			});
			stream.setDaemon(true);
			stream.start();
			try {
				for (int i = 0; i < 20; i++) {
					assertThat(subscriber.nextText()).startsWith("[8,");
				}
				assertThat(stream.isAlive()).as("the events arrived while the publisher was still streaming").isTrue();
			}
			finally {
				stop[0] = true;
				publisher.close();
				stream.join(TIMEOUT.toMillis());
			}
		}
	}

	@Test
	void robustnessGarbageFromManyConnectionsEndsEachAndHarmsNoOther() throws Exception {
		Random random = new Random(23);
		int before = this.server.getSessionCount();
		try (RawWebSocket bystander = echoSession()) {
			for (int i = 0; i < 40; i++) {
				if (i % 8 == 0) {
					assertAlive(bystander);
				}
				byte[] garbage = new byte[1 + random.nextInt(4096)];
				random.nextBytes(garbage);
				try (RawWebSocket session = open()) {
					try {
						session.write(garbage);
						session.shutdownOutput();
					}
					catch (IOException ex) {
						// already cut off
						continue;
					}
					try {
						WebSocketWire.Frame frame;
						do {
							frame = session.next();
						}
						while (frame.opcode() != 8);
						assertThat(frame.closeCode()).as("close code (%s)", frame.closeReason())
							.isIn(1000, 1002, 1003, 1007, 1009, 1011);
					}
					catch (java.io.EOFException | java.net.SocketException ex) {
						// ended without a close frame, as for a half-closed peer
					}
				}
			}
			assertAlive(bystander);
		}
		await().atMost(TIMEOUT).until(() -> this.server.getSessionCount() <= before);
	}

}
