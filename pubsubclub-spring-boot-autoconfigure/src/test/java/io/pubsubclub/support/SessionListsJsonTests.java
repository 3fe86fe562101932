package io.pubsubclub.support;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SessionListsJson}.
 */
class SessionListsJsonTests {

	@Test
	void membersAppearOnlyWhenPresent() {
		assertThat(SessionListsJson.options(null, null, false)).isEqualTo("{}");
		assertThat(SessionListsJson.options(List.of("1"), null, false)).isEqualTo("{\"exclude\":[\"1\"]}");
		assertThat(SessionListsJson.options(null, List.of(), true)).isEqualTo("{\"eligible\":[],\"v2\":true}");
		assertThat(SessionListsJson.options(List.of("1", "2"), List.of("3"), true))
			.isEqualTo("{\"exclude\":[\"1\",\"2\"],\"eligible\":[\"3\"],\"v2\":true}");
	}

	@Test
	void idsAreQuotedAsJsonStrings() {
		String json = SessionListsJson.options(List.of("a\"b\\c", "\u0001"), null, false);
		JsonNode exclude = JsonMapper.shared().readTree(json).get("exclude");
		assertThat(exclude.get(0).asString()).isEqualTo("a\"b\\c");
		assertThat(exclude.get(1).asString()).isEqualTo("\u0001");
	}

}
