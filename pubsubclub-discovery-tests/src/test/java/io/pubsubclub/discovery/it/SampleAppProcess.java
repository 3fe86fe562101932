package io.pubsubclub.discovery.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The sample app's packaged jar run as a user runs it, {@code java -jar}, in a process of
 * its own with its output in a log file; stopped with SIGTERM, as Ctrl-C or a process
 * manager stops it, so that its shutdown hooks run.
 */
final class SampleAppProcess implements AutoCloseable {

	/**
	 * Set by the build (failsafe's system properties) to the jar the reactor just packaged.
	 */
	static final String JAR_PROPERTY = "sample-app.jar";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final Path log;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private SampleAppProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	static Path jar() {
		String jar = System.getProperty(JAR_PROPERTY);
		if (jar == null || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("No sample app jar at " + JAR_PROPERTY + "=" + jar
					+ ": run this test through the reactor's verify phase (./mvnw -B verify), which packages it first");
		}
		return Path.of(jar);
	}

	/**
	 * Start the jar with these command-line arguments, its output going to {@code log}.
	 */
	static SampleAppProcess start(Path log, String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		// two JVMs start on a small, busy machine: a modest heap and quick start-up
		command.add("-Xmx256m");
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-jar");
		command.add(jar().toString());
		command.addAll(List.of(arguments));
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new SampleAppProcess(process, log);
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * The node's {@code /actuator/pubsubclub}, or {@code null} while it does not answer.
	 */
	JsonNode pubsubclubEndpoint(int httpPort) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/actuator/pubsubclub"))
						.timeout(Duration.ofSeconds(5))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			return (response.statusCode() == 200) ? JSON.readTree(response.body()) : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	/**
	 * Stop the process as SIGTERM does and wait, bounded, for it to exit.
	 * @return the exit code
	 */
	int stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			this.process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			throw new IllegalStateException("The sample app did not stop within " + STOP_TIMEOUT + " of SIGTERM; "
					+ "the end of its log:\n" + logTail());
		}
		return this.process.exitValue();
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	Path log() {
		return this.log;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			stop();
		}
	}

}
