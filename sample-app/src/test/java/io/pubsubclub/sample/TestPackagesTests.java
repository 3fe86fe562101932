package io.pubsubclub.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The system packages the suite needs are listed once, in {@code test-packages.txt}: {@code test.sh}
 * installs what it lists and the README's prerequisites table must show exactly the same, so that
 * the three cannot drift apart.
 */
class TestPackagesTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([^`]+)` \\| (.+) \\|$");

	@Test
	void theReadmeTableListsExactlyThePackagesOfTestPackagesTxt() throws IOException {
		assertThat(readmeTable()).isNotEmpty().isEqualTo(packageFile());
	}

	@Test
	void theCiScriptRunsTheReadmeTestCommand() throws IOException {
		List<String> commands = Files.readAllLines(ROOT.resolve(".ci/run"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(commands).contains("./test.sh");
		assertThat(Files.readString(ROOT.resolve("README.md"))).contains("```bash\n./test.sh\n```");
		assertThat(Files.readString(ROOT.resolve("test.sh"))).contains("test-packages.txt");
	}

	private static List<String> packageFile() throws IOException {
		List<String> rows = new ArrayList<>();
		for (String line : Files.readAllLines(ROOT.resolve("test-packages.txt"))) {
			String stripped = line.strip();
			if (stripped.isEmpty() || stripped.startsWith("#")) {
				continue;
			}
			String[] parts = stripped.split("\\s+", 2);
			rows.add(parts[0] + " | " + ((parts.length > 1) ? parts[1] : ""));
		}
		return rows;
	}

	private static List<String> readmeTable() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		int start = readme.indexOf("<!-- test-packages -->");
		int end = readme.indexOf("<!-- /test-packages -->");
		assertThat(start).as("README marker <!-- test-packages -->").isNotNegative();
		assertThat(end).as("README marker <!-- /test-packages -->").isGreaterThan(start);
		List<String> rows = new ArrayList<>();
		for (String line : readme.substring(start, end).split("\n")) {
			Matcher row = TABLE_ROW.matcher(line.strip());
			if (row.matches()) {
				rows.add(row.group(1) + " | " + row.group(2));
			}
		}
		return rows;
	}

}
