package io.pubsubclub.sample;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.fail;

/**
 * The installed headless Chromium, driven through the installed chromedriver: the driver
 * executable and the browser binary are both given, so Selenium Manager never runs and nothing
 * is downloaded.
 *
 * @author PubSubClub
 */
final class Chromium implements AutoCloseable {

	static final String BINARY_PROPERTY = "pubsubclub.test.chromium";

	static final String DRIVER_PROPERTY = "pubsubclub.test.chromedriver";

	private final ChromeDriverService service;

	private final Path profile;

	private final ChromeDriver driver;

	private Chromium(ChromeDriverService service, Path profile, ChromeDriver driver) {
		this.service = service;
		this.profile = profile;
		this.driver = driver;
	}

	/**
	 * Starts chromedriver and one headless browser with a fresh profile. Fails the calling
	 * test, naming what to install, when either executable is missing: CI installs both.
	 */
	static Chromium start(Path logDirectory) throws IOException {
		File binary = executable(BINARY_PROPERTY, "/usr/bin/chromium", "chromium");
		File chromedriver = executable(DRIVER_PROPERTY, "/usr/bin/chromedriver", "chromium-driver");
		Files.createDirectories(logDirectory);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
			.usingAnyFreePort()
			.withLogFile(logDirectory.resolve("chromedriver.log").toFile())
			.build();
		Path profile = Files.createTempDirectory("pubsubclub-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(binary);
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
				"--disable-backgrounding-occluded-windows", "--window-size=1280,1000",
				"--user-data-dir=" + profile.toAbsolutePath());
		try {
			return new Chromium(service, profile, new ChromeDriver(service, options));
		}
		catch (RuntimeException ex) {
			service.stop();
			deleteRecursively(profile);
			throw ex;
		}
	}

	private static File executable(String property, String defaultPath, String debianPackage) {
		File file = new File(System.getProperty(property, defaultPath));
		if (!file.canExecute()) {
			fail("The browser test needs " + file + ", which is missing or not executable. Install Debian's "
					+ "chromium and chromium-driver (./test.sh does, or: sudo apt-get install -y chromium chromium-driver), "
					+ "or point -D" + property + " at another one.");
		}
		return file;
	}

	ChromeDriver driver() {
		return this.driver;
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			this.service.stop();
			deleteRecursively(this.profile);
		}
	}

	private static void deleteRecursively(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			// a profile left in the temp directory harms nothing
		}
	}

}
