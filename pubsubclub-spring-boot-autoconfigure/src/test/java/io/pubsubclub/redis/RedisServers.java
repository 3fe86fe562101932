package io.pubsubclub.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Starts Debian's {@code redis-server} (package {@code redis-server}; {@code redis-cli}
 * is in {@code redis-tools}) on free loopback ports, each in a temporary directory of
 * its own, and stops them all at the end. A missing binary fails the test naming the
 * package (test-packages.txt), never skips it.
 */
public final class RedisServers implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final List<Server> servers = new ArrayList<>();

	/**
	 * Start a redis-server with the given extra arguments (such as
	 * {@code "--appendonly", "yes"}).
	 */
	public Server start(String... args) throws IOException {
		Server server = new Server(freePort(), Files.createTempDirectory("pubsubclub-redis"), List.of(args));
		this.servers.add(server);
		server.start();
		return server;
	}

	/**
	 * Start a redis-server that speaks TLS only: {@code --port 0} (no plain-text port)
	 * and {@code --tls-port} on a free port, with the given PEM files, and the given
	 * extra arguments. Debian's build has TLS; one without it fails here with
	 * redis-server's own message.
	 */
	public Server startTls(Path certificate, Path privateKey, Path caCertificate, String... args) throws IOException {
		int port = freePort();
		List<String> all = new ArrayList<>(List.of("--port", "0", "--tls-port", Integer.toString(port),
				"--tls-cert-file", certificate.toString(), "--tls-key-file", privateKey.toString(),
				"--tls-ca-cert-file", caCertificate.toString()));
		all.addAll(List.of(args));
		Server server = new Server(port, Files.createTempDirectory("pubsubclub-redis-tls"), all);
		this.servers.add(server);
		server.start();
		return server;
	}

	/**
	 * Start a Redis Sentinel on a free port that monitors the master at
	 * {@code masterPort} under {@code masterName}, with a quorum of {@code quorum} and a
	 * master reported down after {@code downAfterMillis}.
	 */
	public Server startSentinel(String masterName, int masterPort, int quorum, long downAfterMillis)
			throws IOException {
		Path dir = Files.createTempDirectory("pubsubclub-redis-sentinel");
		Path config = dir.resolve("sentinel.conf");
		Files.writeString(config, "sentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " " + quorum + "\n"
				+ "sentinel down-after-milliseconds " + masterName + " " + downAfterMillis + "\n"
				+ "sentinel failover-timeout " + masterName + " 10000\n");
		Server server = new Server(freePort(), dir, List.of("--sentinel"), config);
		this.servers.add(server);
		server.start();
		return server;
	}

	/**
	 * Start a Redis Cluster of {@code masters} masters (no replicas) on loopback, each
	 * on a port whose cluster bus port (+10000) is free too, and wait until it is ok.
	 * @return the masters
	 */
	public List<Server> startCluster(int masters) throws IOException, InterruptedException {
		List<Server> nodes = new ArrayList<>();
		List<String> create = new ArrayList<>(List.of("--cluster", "create"));
		for (int i = 0; i < masters; i++) {
			Server server = new Server(clusterPort(), Files.createTempDirectory("pubsubclub-redis-cluster"),
					List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
							"--cluster-node-timeout", "5000"));
			this.servers.add(server);
			server.start();
			nodes.add(server);
			create.add("127.0.0.1:" + server.port());
		}
		create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
		String output = cli(nodes.get(0).port(), create.toArray(String[]::new));
		if (!output.contains("All 16384 slots covered")) {
			throw new IOException("redis-cli --cluster create failed: " + output);
		}
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		for (Server node : nodes) {
			while (!node.cli("CLUSTER", "INFO").contains("cluster_state:ok")) {
				if (System.nanoTime() > deadline) {
					throw new IOException("Redis Cluster not ok within " + START_TIMEOUT);
				}
				Thread.sleep(100);
			}
		}
		return nodes;
	}

	private static int clusterPort() throws IOException {
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(30000);
			if (free(port) && free(port + 10000)) {
				return port;
			}
		}
		throw new IOException("no free port pair for a Redis Cluster node");
	}

	private static boolean free(int port) {
		try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	static String binary(String name, String debianPackage) {
		for (String dir : new String[] { "/usr/bin", "/usr/local/bin", "/usr/sbin" }) {
			File file = new File(dir, name);
			if (file.canExecute()) {
				return file.getPath();
			}
		}
		throw new IllegalStateException(name + " not found: install the Debian package " + debianPackage
				+ " (apt-get install -y " + debianPackage + "; ./test.sh installs test-packages.txt)");
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Run redis-cli with the given arguments against a server, and return its output.
	 */
	public static String cli(int port, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(binary("redis-cli", "redis-tools"), "-h", "127.0.0.1", "-p",
				Integer.toString(port)));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException("redis-cli " + List.of(args) + " did not finish");
		}
		return output;
	}

	@Override
	public void close() {
		for (Server server : this.servers) {
			server.kill();
			deleteQuietly(server.dir);
		}
		this.servers.clear();
	}

	private static void deleteQuietly(Path dir) {
		try (var files = Files.walk(dir)) {
			files.sorted(java.util.Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException ex) {
			// a temporary directory left behind
		}
	}

	public static final class Server {

		private final int port;

		private final Path dir;

		private final List<String> args;

		private final @Nullable Path config;

		private final boolean tls;

		private volatile Process process;

		Server(int port, Path dir, List<String> args) {
			this(port, dir, args, null);
		}

		Server(int port, Path dir, List<String> args, @Nullable Path config) {
			this.port = port;
			this.dir = dir;
			this.args = args;
			this.config = config;
			this.tls = args.contains("--tls-port");
		}

		public int port() {
			return this.port;
		}

		public Path dir() {
			return this.dir;
		}

		/** Start it (again, on the same port and directory, after {@link #kill()}). */
		public void start() throws IOException {
			List<String> command = new ArrayList<>(List.of(binary("redis-server", "redis-server")));
			if (this.config != null) {
				// a sentinel's configuration file comes first, and it rewrites it
				command.add(this.config.toString());
			}
			command.addAll(List.of("--port", Integer.toString(this.port), "--bind", "127.0.0.1", "--dir", this.dir.toString(), "--save", "",
					"--daemonize", "no", "--loglevel", "warning", "--logfile", this.dir.resolve("redis.log").toString()));
			command.addAll(this.args);
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.dir.resolve("stdout.log").toFile())
				.start();
			long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					throw new IOException("redis-server exited with " + this.process.exitValue() + ": "
							+ Files.readString(this.dir.resolve("stdout.log")) + readLog());
				}
				try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
					if (this.tls) {
						// listening is enough: a plain PING would not be understood
						return;
					}
					socket.getOutputStream().write("PING\r\n".getBytes());
					byte[] reply = new byte[7];
					int read = socket.getInputStream().read(reply);
					// +PONG, or -NOAUTH when the default user is off: it answers
					if (read > 0 && (new String(reply, 0, read).startsWith("+PONG")
							|| new String(reply, 0, read).startsWith("-NOAUTH"))) {
						return;
					}
				}
				catch (IOException ex) {
					// not listening yet
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IOException(ex);
				}
			}
			throw new IOException("redis-server on port " + this.port + " did not answer within " + START_TIMEOUT);
		}

		private String readLog() {
			try {
				return Files.readString(this.dir.resolve("redis.log"));
			}
			catch (IOException ex) {
				return "";
			}
		}

		/** Kill it at once (SIGKILL): no shutdown, no save. */
		public void kill() {
			Process process = this.process;
			if (process != null && process.isAlive()) {
				process.destroyForcibly();
				try {
					process.waitFor(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}

		public String cli(String... args) throws IOException, InterruptedException {
			return RedisServers.cli(this.port, args);
		}

	}

}
