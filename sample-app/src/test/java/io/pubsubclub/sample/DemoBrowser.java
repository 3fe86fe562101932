package io.pubsubclub.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.context.ConfigurableApplicationContext;

import static io.pubsubclub.sample.DemoNodes.label;

/**
 * What a browser test class of the demo page runs against, registered as a static
 * {@code @RegisterExtension} field: headless Chromium and two nodes of the sample app
 * clustered with each other ({@link DemoNodes#startClusteredPair}), started before the
 * class's first test and closed after its last, Chromium first. The pages a test opens
 * are screenshot into {@code target/browser-tests} after it, named after the test, and
 * closed, so that each test starts with one blank window.
 *
 * @author PubSubClub
 */
final class DemoBrowser implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

	private static final Path ARTIFACTS = Path.of("target", "browser-tests");

	private final String screenshotPrefix;

	private final String[] nodeAArgs;

	private final List<DemoPage> pages = new ArrayList<>();

	private ConfigurableApplicationContext nodeA;

	private ConfigurableApplicationContext nodeB;

	private Chromium chromium;

	/**
	 * @param screenshotPrefix put before the test's name in its screenshots' names
	 * @param nodeAArgs extra arguments for node A (its node id, say)
	 */
	DemoBrowser(String screenshotPrefix, String... nodeAArgs) {
		this.screenshotPrefix = screenshotPrefix;
		this.nodeAArgs = nodeAArgs;
	}

	@Override
	public void beforeAll(ExtensionContext context) throws IOException {
		this.chromium = Chromium.start(ARTIFACTS);
		ConfigurableApplicationContext[] nodes = DemoNodes.startClusteredPair(this.nodeAArgs);
		this.nodeA = nodes[0];
		this.nodeB = nodes[1];
	}

	@Override
	public void afterEach(ExtensionContext context) throws IOException {
		try {
			DemoPage.screenshotAndClose(this.chromium.driver(), this.pages, ARTIFACTS,
					this.screenshotPrefix + context.getRequiredTestMethod().getName());
		}
		finally {
			this.pages.clear();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		try {
			if (this.chromium != null) {
				this.chromium.close();
			}
		}
		finally {
			DemoNodes.close(this.nodeA, this.nodeB);
		}
	}

	ConfigurableApplicationContext nodeA() {
		return this.nodeA;
	}

	ConfigurableApplicationContext nodeB() {
		return this.nodeB;
	}

	/**
	 * Open the demo page a node serves, in a new window unless it is the test's first.
	 * @param query what follows the page's path, {@code ""} for nothing
	 */
	DemoPage openPage(ConfigurableApplicationContext node, String query) {
		DemoPage page = DemoPage.open(this.chromium.driver(), "http://" + label(node) + "/" + query,
				!this.pages.isEmpty());
		this.pages.add(page);
		return page;
	}

	DemoPage openPage(ConfigurableApplicationContext node) {
		return openPage(node, "");
	}

}
