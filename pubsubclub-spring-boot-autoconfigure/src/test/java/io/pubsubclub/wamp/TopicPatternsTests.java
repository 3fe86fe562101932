package io.pubsubclub.wamp;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TopicPatterns}.
 */
class TopicPatternsTests {

	@Test
	void noPatternsAllowAnyTopic() {
		assertThat(new TopicPatterns(List.of()).allows("http://anything")).isTrue();
	}

	@Test
	void exactUrisAndPrefixesEndingInStar() {
		TopicPatterns patterns = new TopicPatterns(List.of("http://example.com/a", "http://example.com/open/*"));
		assertThat(patterns.allows("http://example.com/a")).isTrue();
		assertThat(patterns.allows("http://example.com/a/b")).isFalse();
		assertThat(patterns.allows("http://example.com/open/")).isTrue();
		assertThat(patterns.allows("http://example.com/open/x#y")).isTrue();
		assertThat(patterns.allows("http://example.com/opening")).isFalse();
	}

	@Test
	void starAloneAllowsEverything() {
		assertThat(new TopicPatterns(List.of("*")).allows("urn:x")).isTrue();
	}

}
