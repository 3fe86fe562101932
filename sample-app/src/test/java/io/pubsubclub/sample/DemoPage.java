package io.pubsubclub.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in one browser window, driven the way a person uses it: typing, clicking,
 * reading what the page shows.
 *
 * @author PubSubClub
 */
final class DemoPage {

	static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final WebDriver driver;

	private final String window;

	private DemoPage(WebDriver driver, String window) {
		this.driver = driver;
		this.window = window;
	}

	/**
	 * Opens the page in the browser's current window, or in a new one when {@code newWindow}.
	 */
	static DemoPage open(WebDriver driver, String url, boolean newWindow) {
		if (newWindow) {
			driver.switchTo().newWindow(WindowType.WINDOW);
		}
		DemoPage page = new DemoPage(driver, driver.getWindowHandle());
		driver.get(url);
		return page;
	}

	private WebDriver focus() {
		if (!this.window.equals(this.driver.getWindowHandle())) {
			this.driver.switchTo().window(this.window);
		}
		return this.driver;
	}

	private WebElement find(String id) {
		return focus().findElement(By.id(id));
	}

	/** Waits until the page says it is connected to the node with this host:port label. */
	DemoPage awaitConnectedTo(String nodeLabel) {
		await("page connected to " + nodeLabel).atMost(TIMEOUT).untilAsserted(() -> {
			WebElement status = find("status");
			assertThat(status.getDomAttribute("data-state")).as(status.getText()).isEqualTo("connected");
			assertThat(status.getDomAttribute("data-node")).as(status.getText()).isEqualTo(nodeLabel);
		});
		return this;
	}

	String statusText() {
		return find("status").getText();
	}

	String sessionId() {
		return find("status").getDomAttribute("data-session");
	}

	/** Connects to the node in "Other node", as typed or given by the page's query. */
	void connectToOther() {
		find("connect-other").click();
	}

	/** Logs in with WAMP-CRA through the page's form. */
	void logIn(String authKey, String secret) {
		type("auth-key", authKey);
		type("auth-secret", secret);
		find("login").click();
	}

	/** Waits until the login status is in the given state ("authenticated", "failed") and returns its text. */
	String awaitAuthState(String stateName) {
		await("login " + stateName).atMost(TIMEOUT).untilAsserted(() -> {
			WebElement status = find("auth-status");
			assertThat(status.getDomAttribute("data-state")).as(status.getText()).isEqualTo(stateName);
		});
		return find("auth-status").getText();
	}

	void subscribe(String topic) {
		type("subscribe-topic", topic);
		find("subscribe").click();
		await("subscription to " + topic + " active").atMost(TIMEOUT)
			.until(() -> subscriptions().getOrDefault(topic, false));
	}

	/** Topics listed under "Subscribe", each with whether the connection holds it. */
	@SuppressWarnings("unchecked")
	Map<String, Boolean> subscriptions() {
		focus();
		return (Map<String, Boolean>) ((JavascriptExecutor) this.driver).executeScript("""
				const topics = {};
				for (const item of document.querySelectorAll('#subscription-list li')) {
					topics[item.dataset.topic] = item.dataset.active === 'true';
				}
				return topics;""");
	}

	void publishDirectly(String topic, String text, boolean includeMe) {
		fillPublishForm(topic, text, "how-publish");
		WebElement includeMeBox = find("include-me");
		if (includeMeBox.isSelected() != includeMe) {
			includeMeBox.click();
		}
		find("publish-button").click();
	}

	void publishThroughRpc(String topic, String text) {
		fillPublishForm(topic, text, "how-rpc");
		find("publish-button").click();
	}

	private void fillPublishForm(String topic, String text, String how) {
		type("publish-topic", topic);
		type("publish-text", text);
		find(how).click();
	}

	String publishResult() {
		return find("publish-result").getText();
	}

	/** The rows of the event table, newest first, as the page shows them. */
	@SuppressWarnings("unchecked")
	List<ShownEvent> events() {
		focus();
		List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) this.driver).executeScript("""
				return Array.from(document.querySelectorAll('#event-rows tr')).map((row) => [
					row.dataset.topic, row.dataset.text, row.dataset.via, row.dataset.origin,
					row.querySelector('td.via').textContent, row.querySelector('td.origin').textContent]);""");
		return rows.stream()
			.map((row) -> new ShownEvent(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5)))
			.toList();
	}

	/**
	 * The cluster view: its state ("absent", "shown", ...), the node id it shows, its text,
	 * and the rows of its links (or peers) table, one text per row.
	 */
	@SuppressWarnings("unchecked")
	Map<String, Object> clusterView() {
		focus();
		return (Map<String, Object>) ((JavascriptExecutor) this.driver).executeScript("""
				const view = document.getElementById('cluster-view');
				const rows = view.querySelectorAll(
						'figure.cluster-table[data-name$="links"] tbody tr, figure.cluster-table[data-name$="peers"] tbody tr');
				return { state: view.dataset.state || '', nodeId: view.dataset.nodeId || '', text: view.textContent,
					links: Array.from(rows).map((row) => row.textContent) };""");
	}

	// --- the WAMP v2 client (Autobahn|JS) ------------------------------------------------------

	/** Waits until the page's v2 client says it is connected to the node with this label. */
	DemoPage awaitV2ConnectedTo(String nodeLabel) {
		await("v2 client connected to " + nodeLabel).atMost(TIMEOUT).untilAsserted(() -> {
			WebElement status = find("v2-status");
			assertThat(status.getDomAttribute("data-state")).as(status.getText()).isEqualTo("connected");
			assertThat(status.getDomAttribute("data-node")).as(status.getText()).isEqualTo(nodeLabel);
		});
		return this;
	}

	String v2SessionId() {
		return find("v2-status").getDomAttribute("data-session");
	}

	/** Subscribes the v2 client and waits for the SUBSCRIBED (the page lists it active). */
	void v2Subscribe(String topic) {
		type("v2-subscribe-topic", topic);
		find("v2-subscribe").click();
		await("v2 subscription to " + topic + " active").atMost(TIMEOUT).untilAsserted(() -> {
			focus();
			Object active = ((JavascriptExecutor) this.driver).executeScript("""
					const item = Array.from(document.querySelectorAll('#v2-subscription-list li'))
						.find((li) => li.dataset.topic === arguments[0]);
					return item !== undefined && item.dataset.active === 'true';""", topic);
			assertThat(active).as(find("v2-publish-result").getText()).isEqualTo(true);
		});
	}

	/**
	 * Publishes from the v2 client: {@code args = [{text, origin}]}, or with {@code kwargs}
	 * {@code args = [text], kwargs = {origin}}; acknowledged.
	 */
	void v2Publish(String topic, String text, boolean kwargs, boolean includeMe) {
		type("v2-publish-topic", topic);
		type("v2-publish-text", text);
		find(kwargs ? "v2-payload-kwargs" : "v2-payload-event").click();
		WebElement includeMeBox = find("v2-include-me");
		if (includeMeBox.isSelected() != includeMe) {
			includeMeBox.click();
		}
		find("v2-publish-button").click();
	}

	String v2PublishResult() {
		return find("v2-publish-result").getText();
	}

	/** The rows of the v2 client's event table, newest first. */
	@SuppressWarnings("unchecked")
	List<V2Event> v2Events() {
		focus();
		List<List<String>> rows = (List<List<String>>) ((JavascriptExecutor) this.driver).executeScript("""
				return Array.from(document.querySelectorAll('#v2-event-rows tr')).map((row) => [
					row.dataset.topic, row.dataset.args, row.dataset.kwargs, row.dataset.via, row.dataset.origin]);""");
		return rows.stream().map((row) -> new V2Event(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4))).toList();
	}

	/**
	 * Runs an asynchronous script in the page (its last argument is the callback to call with
	 * the result) and returns the result.
	 */
	@SuppressWarnings("unchecked")
	Map<String, Object> runAsync(String script, Object... args) {
		focus().manage().timeouts().scriptTimeout(TIMEOUT);
		return (Map<String, Object>) ((JavascriptExecutor) this.driver).executeAsyncScript(script, args);
	}

	/**
	 * After a test: a screenshot of each of its pages ({@code name-i.png} in
	 * {@code directory}), then every window but the first closed and that one blank.
	 */
	static void screenshotAndClose(WebDriver driver, List<DemoPage> pages, Path directory, String name)
			throws IOException {
		for (int i = 0; i < pages.size(); i++) {
			pages.get(i).screenshot(directory.resolve(name + "-" + i + ".png"));
		}
		String first = driver.getWindowHandles().iterator().next();
		for (String window : driver.getWindowHandles()) {
			if (!window.equals(first)) {
				driver.switchTo().window(window).close();
			}
		}
		driver.switchTo().window(first).get("about:blank");
	}

	void screenshot(Path file) throws IOException {
		focus();
		Files.createDirectories(file.getParent());
		Files.write(file, ((TakesScreenshot) this.driver).getScreenshotAs(OutputType.BYTES));
	}

	private void type(String id, String text) {
		WebElement input = find(id);
		input.clear();
		input.sendKeys(text);
	}

	/**
	 * One row of the v2 client's event table: the topic, the EVENT's Arguments and
	 * ArgumentsKw as JSON (empty when it had none), the node it came through, and the node
	 * named by the payload's origin.
	 */
	record V2Event(String topic, String args, String kwargs, String via, String origin) {

	}

	/**
	 * One row of the event table: the data the page keeps and the text a person reads in the
	 * "Came through" and "Published on" columns.
	 */
	record ShownEvent(String topic, String text, String via, String origin, String viaShown, String originShown) {

	}

}
