package io.pubsubclub.support;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Puts a system property back as it was before a test class, for a class that lets the
 * code under test set it (register it as a static {@code @RegisterExtension} field).
 */
public final class RestoredSystemProperty implements BeforeAllCallback, AfterAllCallback {

	private final String name;

	private @Nullable String saved;

	public RestoredSystemProperty(String name) {
		this.name = name;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.saved = System.getProperty(this.name);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		String saved = this.saved;
		if (saved != null) {
			System.setProperty(this.name, saved);
		}
		else {
			System.clearProperty(this.name);
		}
	}

}
