package io.pubsubclub.benchmarks.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server process the harness started: its output goes to a log file, its pid to the
 * pid file that {@code run.sh} kills on exit, whatever happens to this JVM.
 */
final class ServerProcess {

	private static final List<ServerProcess> started = new ArrayList<>();

	private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

	private static long ticksPerSecond = 100;

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(ServerProcess::stopAll, "stop-servers"));
		try {
			Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			if (p.waitFor(5, TimeUnit.SECONDS) && !out.isEmpty()) {
				ticksPerSecond = Long.parseLong(out);
			}
		}
		catch (IOException | InterruptedException | NumberFormatException ex) {
			// 100 is the Linux default
		}
	}

	final String name;

	final int port;

	private final Process process;

	private final Path log;

	private ServerProcess(String name, int port, Process process, Path log) {
		this.name = name;
		this.port = port;
		this.process = process;
		this.log = log;
	}

	static synchronized ServerProcess start(String name, int port, List<String> command, Path logDir, Path pidFile)
			throws IOException {
		Path log = logDir.resolve(name + ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
			.start();
		Files.writeString(pidFile, process.pid() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		ServerProcess server = new ServerProcess(name, port, process, log);
		started.add(server);
		return server;
	}

	long pid() {
		return this.process.pid();
	}

	/**
	 * Wait until the port accepts connections, or fail naming the log to read.
	 */
	void awaitPort(long deadlineNanos) throws IOException, InterruptedException {
		do {
			if (!this.process.isAlive()) {
				throw new IOException(this.name + " exited with " + this.process.exitValue() + "; see " + this.log);
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
				return;
			}
			catch (IOException ex) {
				Thread.sleep(200);
			}
		}
		while (System.nanoTime() < deadlineNanos);
		throw new IOException(this.name + " did not open port " + this.port + " in time; see " + this.log);
	}

	/** CPU seconds (user + system) this process has used so far. */
	double cpuSeconds() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		// fields[0] is field 3 (state); utime and stime are fields 14 and 15
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return (double) ticks / ticksPerSecond;
	}

	/**
	 * Resident set size in bytes, as the operating system sees it ({@code VmRSS} in
	 * {@code /proc/<pid>/status}).
	 */
	long rssBytes() throws IOException {
		return statusKilobytes(Path.of("/proc", Long.toString(pid()), "status"), "VmRSS:") * 1024;
	}

	static long statusKilobytes(Path status, String field) throws IOException {
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith(field)) {
				// "VmRSS:	  123456 kB"
				return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
			}
		}
		throw new IOException("no " + field + " in " + status);
	}

	/**
	 * The soft limit on open descriptors of this process ({@code /proc/<pid>/limits}), or
	 * -1 when it cannot be read.
	 */
	long maxOpenFiles() {
		return openFilesLimit(Path.of("/proc", Long.toString(pid()), "limits"));
	}

	static long openFilesLimit(Path limits) {
		try {
			for (String line : Files.readAllLines(limits)) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// reported as unknown
		}
		return -1;
	}

	/** Used heap in bytes after a full collection, read with one jcmd attach. */
	long usedHeapAfterGc() throws IOException, InterruptedException {
		Path commands = Files.createTempFile("jcmd", ".txt");
		String info;
		try {
			Files.writeString(commands, "GC.run\nGC.heap_info\n");
			info = jcmd("-f", commands.toString());
		}
		finally {
			Files.deleteIfExists(commands);
		}
		Matcher m = HEAP_USED.matcher(info);
		if (!m.find()) {
			throw new IOException("no heap figure in jcmd output: " + info);
		}
		return Long.parseLong(m.group(1)) * 1024;
	}

	private String jcmd(String... command) throws IOException, InterruptedException {
		List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
				Long.toString(pid())));
		line.addAll(List.of(command));
		Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
		byte[] out = p.getInputStream().readAllBytes();
		if (!p.waitFor(30, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new IOException("jcmd " + String.join(" ", command) + " timed out");
		}
		return new String(out, StandardCharsets.UTF_8);
	}

	/**
	 * Stop this server before the others, waiting for it to exit.
	 */
	void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	static synchronized void stopAll() {
		for (ServerProcess server : started) {
			server.process.destroy();
		}
		for (ServerProcess server : started) {
			try {
				if (!server.process.waitFor(10, TimeUnit.SECONDS)) {
					server.process.destroyForcibly();
				}
			}
			catch (InterruptedException ex) {
				server.process.destroyForcibly();
			}
		}
		started.clear();
	}

}
