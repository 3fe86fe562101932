package io.pubsubclub.actuate;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * {@link SanitizingFunction} that hides every secret of the starter in
 * {@code /actuator/env} and {@code /actuator/configprops}, even where values are shown
 * ({@code management.endpoint.env.show-values}, {@code configprops.show-values}). A
 * property of the {@code pubsubclub} tree is secret by its name: its last name element
 * (list indexes aside) ends in {@code secret}, {@code secrets}, {@code password},
 * {@code passwords}, {@code passphrase}, {@code token}, {@code tokens},
 * {@code credentials} or {@code private-key}, in any form (dashed, camel case,
 * environment variable, map keys in brackets). Today: {@code pubsubclub.link.secret},
 * {@code pubsubclub.link.accepted-secrets} and
 * {@code pubsubclub.wamp.auth.users.*.secret}; a property added later under such a name
 * is hidden without a change here (a test holds every property of the metadata named like
 * a secret to this rule).
 * <p>
 * Any other entry whose value is the value of one of those properties is hidden too,
 * such as the variable a placeholder takes a secret from: values equal to a secret, or
 * containing one of at least {@value #MIN_CONTAINED_LENGTH} characters (a shorter one
 * would hide, and so point at, unrelated values).
 *
 * @author PubSubClub
 */
public class PubSubClubSecretSanitizer implements SanitizingFunction {

	/**
	 * Shortest secret that hides a value merely containing it.
	 */
	public static final int MIN_CONTAINED_LENGTH = 16;

	private static final String ROOT = "pubsubclub";

	private static final Pattern ELEMENTS = Pattern.compile("[._\\[\\]]+");

	private static final List<String> SECRET_ENDINGS = List.of("secret", "secrets", "password", "passwords",
			"passphrase", "token", "tokens", "credentials", "privatekey");

	private final Supplier<@Nullable Object> properties;

	/**
	 * Create the function.
	 * @param properties supplies the bound properties of the starter (the
	 * {@code pubsubclub} tree), whose secret values are hidden wherever they appear;
	 * {@code null} when not bound
	 */
	public PubSubClubSecretSanitizer(Supplier<@Nullable Object> properties) {
		this.properties = properties;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (data.getValue() == null) {
			return data;
		}
		if (isSecretKey(data.getKey())) {
			return data.withSanitizedValue();
		}
		String value = String.valueOf(data.getValue());
		Object bound = this.properties.get();
		if (bound != null) {
			for (String secret : secretValues(bound)) {
				if (value.equals(secret) || (secret.length() >= MIN_CONTAINED_LENGTH && value.contains(secret))) {
					return data.withSanitizedValue();
				}
			}
		}
		return data;
	}

	/**
	 * Whether a key names a secret property of the starter.
	 * @param key the key, in any form a property source or configprops uses
	 * @return whether its value must be hidden
	 */
	public static boolean isSecretKey(String key) {
		String[] elements = ELEMENTS.split(key.toLowerCase(Locale.ROOT));
		int first = (elements.length > 0 && elements[0].isEmpty()) ? 1 : 0;
		if (elements.length <= first || !elements[first].equals(ROOT)) {
			return false;
		}
		for (int i = elements.length - 1; i > first; i--) {
			String element = elements[i].replace("-", "");
			if (element.isEmpty() || element.chars().allMatch(Character::isDigit)) {
				continue;
			}
			return isSecretName(element);
		}
		return false;
	}

	private static boolean isSecretName(String element) {
		for (String ending : SECRET_ENDINGS) {
			if (element.endsWith(ending)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The values of the secret properties of a bound properties object: its bean
	 * properties, nested objects of the same package, map values and lists, walked by
	 * the names of the same rule.
	 */
	static List<String> secretValues(Object properties) {
		List<String> values = new ArrayList<>();
		collect(properties, false, values, 0);
		return values;
	}

	private static void collect(@Nullable Object value, boolean secret, List<String> values, int depth) {
		if (value == null || depth > 8) {
			return;
		}
		if (value instanceof CharSequence text) {
			if (secret && !text.isEmpty()) {
				values.add(text.toString());
			}
			return;
		}
		if (value instanceof Collection<?> items) {
			for (Object item : items) {
				collect(item, secret, values, depth + 1);
			}
			return;
		}
		if (value instanceof Map<?, ?> map) {
			for (Object item : map.values()) {
				collect(item, secret, values, depth + 1);
			}
			return;
		}
		if (!value.getClass().getName().startsWith("io.pubsubclub.")) {
			return;
		}
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(value.getClass())) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			try {
				collect(descriptor.getReadMethod().invoke(value),
						secret || isSecretName(descriptor.getName().toLowerCase(Locale.ROOT)), values, depth + 1);
			}
			catch (ReflectiveOperationException ex) {
				// a getter that fails hides nothing more; the key rule still applies
			}
		}
	}

}
