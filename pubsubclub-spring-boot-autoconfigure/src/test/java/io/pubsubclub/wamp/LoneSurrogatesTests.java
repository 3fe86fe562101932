package io.pubsubclub.wamp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoneSurrogates}.
 */
class LoneSurrogatesTests {

	private static final String PAIR = new String(Character.toChars(0x1F600));

	@Test
	void textWithoutLoneSurrogatesIsReturnedAsItIs() {
		String text = "{\"a\":\"é" + PAIR + "\"}";
		assertThat(LoneSurrogates.escape(text)).isSameAs(text);
		assertThat(LoneSurrogates.in(text)).isFalse();
		assertThat(LoneSurrogates.in("")).isFalse();
	}

	@Test
	void loneHighAndLowSurrogatesAreEscapedWherevertheyStand() {
		assertThat(LoneSurrogates.escape("\"\uD800\"")).isEqualTo("\"\\ud800\"");
		assertThat(LoneSurrogates.escape("\"a\uDC00b\uDBFF\"")).isEqualTo("\"a\\udc00b\\udbff\"");
		assertThat(LoneSurrogates.escape("\"" + PAIR + "\uDFFF" + PAIR + "\""))
			.isEqualTo("\"" + PAIR + "\\udfff" + PAIR + "\"");
		// a high surrogate last, with nothing to pair with
		assertThat(LoneSurrogates.escape("x\uD83D")).isEqualTo("x\\ud83d");
		// a low one before a high one is no pair
		assertThat(LoneSurrogates.escape("\uDE00\uD83D")).isEqualTo("\\ude00\\ud83d");
		assertThat(LoneSurrogates.in("a\uDC00")).isTrue();
	}

	@Test
	void onlyAUnicodeEscapeMakesALoneSurrogatePossible() {
		assertThat(LoneSurrogates.possibleIn("[7,\"t\",\"\\ud800\"]")).isTrue();
		assertThat(LoneSurrogates.possibleIn("[7,\"t\",\"é\\n\"]")).isFalse();
	}

}
