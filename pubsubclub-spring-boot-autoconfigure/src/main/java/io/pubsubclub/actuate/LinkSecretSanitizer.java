package io.pubsubclub.actuate;

import java.util.Collection;
import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;

/**
 * {@link SanitizingFunction} that hides the cluster secrets in {@code /actuator/env} and
 * {@code /actuator/configprops} even where values are shown
 * ({@code management.endpoint.env.show-values}): the keys
 * {@code pubsubclub.link.secret} and {@code pubsubclub.link.accepted-secrets} in any
 * form (environment variables, list indexes), and any value that holds one of the
 * secrets, such as the variable a placeholder takes the secret from.
 *
 * @author PubSubClub
 */
public class LinkSecretSanitizer implements SanitizingFunction {

	private final Supplier<Collection<String>> secrets;

	/**
	 * Create the function.
	 * @param secrets supplies the secrets in use
	 */
	public LinkSecretSanitizer(Supplier<Collection<String>> secrets) {
		this.secrets = secrets;
	}

	@Override
	public SanitizableData apply(SanitizableData data) {
		if (data.getValue() == null) {
			return data;
		}
		String key = data.getLowerCaseKey().replaceAll("[-_.\\[\\]0-9]", "");
		if (key.startsWith("pubsubclublinksecret") || key.startsWith("pubsubclublinkacceptedsecrets")
				|| key.endsWith("acceptedsecrets")) {
			return data.withSanitizedValue();
		}
		String value = String.valueOf(data.getValue());
		for (String secret : this.secrets.get()) {
			if (secret != null && !secret.isEmpty() && value.contains(secret)) {
				return data.withSanitizedValue();
			}
		}
		return data;
	}


}
