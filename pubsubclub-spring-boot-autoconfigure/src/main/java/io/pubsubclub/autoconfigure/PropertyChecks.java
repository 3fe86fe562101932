package io.pubsubclub.autoconfigure;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Start-up checks of {@link PubSubClubProperties} values that binding accepts but that
 * cannot work: each failure names the property, its value and what is expected
 * ({@link InvalidConfigurationPropertyValueException}, which Boot's failure analysis
 * prints as such).
 *
 * @author PubSubClub
 */
final class PropertyChecks {

	/** Shortest fallback poll of the discovery registry. */
	static final Duration MIN_REFRESH_INTERVAL = Duration.ofMillis(100);

	private PropertyChecks() {
	}

	static Duration positive(String name, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "Must be a positive duration.");
		}
		return value;
	}

	static Duration notNegative(String name, @Nullable Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "Must not be negative.");
		}
		return value;
	}

	static Duration atLeast(String name, @Nullable Duration value, Duration minimum) {
		if (value == null || value.compareTo(minimum) < 0) {
			throw new InvalidConfigurationPropertyValueException(name, value,
					"Must be at least " + describe(minimum) + ".");
		}
		return value;
	}

	static long positive(String name, @Nullable DataSize value) {
		if (value == null || value.toBytes() <= 0) {
			throw new InvalidConfigurationPropertyValueException(name, value, "Must be a positive size.");
		}
		return value.toBytes();
	}

	static int intSize(String name, @Nullable DataSize value) {
		if (value == null || value.toBytes() < 1 || value.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(name, value, "Must be between 1B and 2GB.");
		}
		return (int) value.toBytes();
	}

	static String path(String name, @Nullable String value) {
		if (value == null || !value.startsWith("/") || StringUtils.containsWhitespace(value)) {
			throw new InvalidConfigurationPropertyValueException(name, value,
					"Must be a path starting with '/', without spaces.");
		}
		return value;
	}

	static List<String> topicPatterns(String name, List<String> patterns) {
		for (int i = 0; i < patterns.size(); i++) {
			String pattern = patterns.get(i);
			if (!StringUtils.hasText(pattern) || pattern.indexOf('*') != pattern.length() - 1
					&& pattern.indexOf('*') >= 0) {
				throw new InvalidConfigurationPropertyValueException(name + "[" + i + "]", pattern,
						"Must be a topic URI, or a prefix ending in a single '*'.");
			}
		}
		return patterns;
	}

	private static String describe(Duration duration) {
		return (duration.toMillis() > 0 && duration.toNanos() % 1_000_000 == 0) ? duration.toMillis() + "ms"
				: duration.toString();
	}

}
