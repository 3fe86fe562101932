package io.pubsubclub.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real WAMP v2 client: Autobahn|Python (Debian's {@code python3-autobahn}, listed in
 * test-packages.txt) running {@code autobahn/wamp2_client.py} as a subprocess, one JSON
 * object per line on its stdout. A machine without the package fails the test, naming it.
 */
public final class AutobahnPython implements AutoCloseable {

	/** Debian's interpreter, where python3-autobahn installs. */
	private static final String PYTHON = "/usr/bin/python3";

	private static final long TIMEOUT_SECONDS = 30;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Process process;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

	private final StringBuffer errors = new StringBuffer();

	private AutobahnPython(Process process) {
		this.process = process;
		Thread out = new Thread(() -> read(process.inputReader(StandardCharsets.UTF_8), this.lines, this.errors));
		Thread err = new Thread(() -> read(process.errorReader(StandardCharsets.UTF_8), null, this.errors));
		out.setDaemon(true);
		err.setDaemon(true);
		out.start();
		err.start();
	}

	private static void read(BufferedReader reader, BlockingQueue<String> lines, StringBuffer text) {
		try (reader) {
			String line;
			while ((line = reader.readLine()) != null) {
				// the script's messages are JSON objects; Autobahn's log lines go with stderr
				if (lines != null && line.startsWith("{")) {
					lines.add(line);
				}
				else if (text.length() < 20_000) {
					text.append(line).append('\n');
				}
			}
		}
		catch (IOException ex) {
			// the process went away
		}
	}

	/**
	 * Fail, naming the package, unless Autobahn|Python can be imported.
	 */
	public static void requireInstalled() throws Exception {
		Process check;
		try {
			check = new ProcessBuilder(PYTHON, "-c", "import autobahn.asyncio.wamp").redirectErrorStream(true).start();
		}
		catch (IOException ex) {
			fail("python3-autobahn is needed (test-packages.txt: run ./test.sh, or apt-get install python3-autobahn): "
					+ PYTHON + " cannot be run: " + ex.getMessage());
			return;
		}
		boolean done = check.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!done || check.exitValue() != 0) {
			check.destroyForcibly();
			fail("python3-autobahn is needed (test-packages.txt: run ./test.sh, or apt-get install python3-autobahn): "
					+ output);
		}
	}

	/**
	 * Run the client script.
	 * @param port the WAMP endpoint's port on 127.0.0.1
	 * @param realm the realm to join
	 * @param command the command and its arguments, as the script's usage says
	 */
	public static AutobahnPython run(int port, String realm, String... command) throws Exception {
		requireInstalled();
		Path script = Path.of(AutobahnPython.class.getResource("/autobahn/wamp2_client.py").toURI());
		List<String> args = new ArrayList<>(List.of(PYTHON, "-u", script.toString(),
				"ws://127.0.0.1:" + port + "/wamp", realm));
		args.addAll(List.of(command));
		return new AutobahnPython(new ProcessBuilder(args).start());
	}

	/** The next line the client printed, as JSON. */
	public JsonNode next() throws InterruptedException {
		String line = this.lines.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(line).as("a line from Autobahn|Python within %ss; its stderr:%n%s", TIMEOUT_SECONDS, this.errors)
			.isNotNull();
		return JSON.readTree(line);
	}

	/** Wait for the client to end; its exit status. */
	public int exit() throws InterruptedException {
		try {
			this.process.getOutputStream().close();
		}
		catch (IOException ex) {
			// gone already
		}
		assertThat(this.process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("Autobahn|Python exits; stderr:%n%s",
				this.errors).isTrue();
		return this.process.exitValue();
	}

	public String stderr() {
		return this.errors.toString();
	}

	@Override
	public void close() {
		this.process.destroyForcibly();
	}

}
