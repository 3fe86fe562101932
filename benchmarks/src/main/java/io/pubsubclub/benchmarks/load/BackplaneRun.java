package io.pubsubclub.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Mesh or Redis (issue 27): N PubSubClub nodes ({@code sample-app} jar) exchanging events
 * through the full mesh, through one redis-server ({@code pubsubclub.redis.mode=pubsub})
 * or through a 3-master Redis Cluster ({@code sharded}), with the backplane's history on
 * or off. One publisher on node 1; the subscribers on the other nodes: 1 on node 2
 * ("1->1"), or 100 spread over nodes 2..N ("1->100"), so that every event crosses
 * between nodes. Per row: delivered events/s at saturation (the publisher's window as in
 * {@link LoadMain}), p50/p99 latency at a fixed offered rate, and CPU per delivery at that
 * rate, of the nodes and of redis-server apart (utime + stime from {@code /proc}).
 * <p>
 * Started by {@code benchmarks/run.sh --backplane [--nodes 2,4] [--backplanes
 * mesh,pubsub,pubsub-nohist,sharded,sharded-nohist] [--offered 1000,100]}; every server
 * runs on 127.0.0.1 on free ports and its pid goes to the pid file run.sh kills on exit.
 * Bounds: one system's nodes (at most 8) and Redis processes at a time, each phase of a
 * row capped in time (warm-up {@link #WARMUP_CAP_NANOS}, {@link #ROUNDS} rounds of
 * {@link #ROUND_NANOS}, drain {@link #DRAIN_NANOS}).
 */
final class BackplaneRun {

	static final long WARMUP_CAP_NANOS = 12_000_000_000L;

	/** Warm-up intervals at least (half a second each): fresh JVMs compile for a while. */
	static final int WARMUP_MIN_INTERVALS = 8;

	static final long ROUND_NANOS = 1_000_000_000L;

	static final int ROUNDS = 3;

	static final long DRAIN_NANOS = 5_000_000_000L;

	static final int MAX_NODES = 8;

	private final Map<String, String> options;

	private final Path work;

	private final Path pidFile;

	private final Path logs;

	private final String jar;

	private final String redisServer;

	private final List<String> rows = new ArrayList<>();

	private int trialNumber;

	private BackplaneRun(Map<String, String> options) throws IOException {
		this.options = options;
		this.work = Path.of(options.getOrDefault("work", "benchmarks/target/run"));
		this.pidFile = this.work.resolve("pids");
		this.logs = this.work.resolve("logs");
		Files.createDirectories(this.logs);
		this.jar = options.get("sample-app");
		this.redisServer = options.getOrDefault("redis-server", "redis-server");
	}

	static void main(Map<String, String> options) throws Exception {
		new BackplaneRun(options).run();
	}

	private void run() throws Exception {
		String started = Instant.now().toString();
		String loadBefore = loadAverage();
		int[] nodeCounts = Arrays.stream(this.options.getOrDefault("nodes", "2,4").split(","))
			.mapToInt(Integer::parseInt)
			.toArray();
		List<String> systems = List
			.of(this.options.getOrDefault("backplanes", "mesh,pubsub,pubsub-nohist,sharded,sharded-nohist").split(","));
		String[] offered = this.options.getOrDefault("offered", "1000,100").split(",");
		List<Workload> workloads = List.of(new Workload("1->1", 1, Double.parseDouble(offered[0])),
				new Workload("1->100", 100, Double.parseDouble(offered[offered.length - 1])));
		for (int n : nodeCounts) {
			if (n < 2 || n > MAX_NODES) {
				throw new IllegalArgumentException("--nodes: 2 to " + MAX_NODES);
			}
			for (String system : systems) {
				measure(system, n, workloads);
			}
		}
		StringBuilder table = new StringBuilder();
		table.append("Mesh or Redis: ").append(started).append(" to ").append(Instant.now())
			.append(", load average before ").append(loadBefore).append(", after ").append(loadAverage())
			.append("\n\n| system | nodes | work | delivered ev/s (sat.) | offered ev/s | p50 µs | p99 µs "
					+ "| nodes CPU µs/delivery | redis CPU µs/delivery | nodes CPU µs/delivery (sat.) "
					+ "| redis CPU µs/delivery (sat.) | notes |\n")
			.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
		this.rows.forEach(table::append);
		System.out.println(table);
		Files.writeString(this.work.resolve("backplane-results.md"), table, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

	private void measure(String system, int n, List<Workload> workloads) throws Exception {
		List<ServerProcess> nodes = new ArrayList<>();
		List<ServerProcess> redis = new ArrayList<>();
		try {
			List<String> backplane = startBackplane(system, n, redis);
			this.meshBase = LoadMainPorts.freeRange(n);
			for (int i = 0; i < n; i++) {
				nodes.add(startNode(system, n, i, backplane, nodes));
			}
			long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
			for (ServerProcess node : nodes) {
				node.awaitPort(deadline);
			}
			for (Workload workload : workloads) {
				this.rows.add(row(system, n, workload, nodes, redis));
			}
		}
		catch (IOException | RuntimeException ex) {
			this.rows.add("| " + system + " | " + n + " | all | not measured: " + ex.getMessage().replace('|', '/')
					+ " |||||||||\n");
		}
		finally {
			for (ServerProcess node : nodes) {
				node.stop();
			}
			for (ServerProcess server : redis) {
				server.stop();
			}
		}
	}

	/** Start what the system needs besides the nodes; return the nodes' extra arguments. */
	private List<String> startBackplane(String system, int n, List<ServerProcess> redis) throws Exception {
		boolean history = !system.endsWith("-nohist");
		if (system.equals("mesh")) {
			return List.of();
		}
		List<String> common = List.of("--spring.profiles.active=redis", "--pubsubclub.redis.history.enabled=" + history,
				"--management.health.redis.enabled=false");
		if (system.startsWith("pubsub")) {
			int port = LoadMainPorts.free();
			redis.add(redisServer(system + "-redis", port, List.of()));
			redis.get(0).awaitPort(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
			return LoadMain.concat(common, List.of("--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + port));
		}
		if (system.startsWith("sharded")) {
			List<String> create = new ArrayList<>(List.of(redisCli(), "--cluster", "create"));
			StringBuilder nodes = new StringBuilder();
			for (int i = 0; i < 3; i++) {
				int port = LoadMainPorts.freePair();
				ServerProcess server = redisServer(system + "-redis-" + i, port,
						List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
								"--cluster-node-timeout", "5000"));
				redis.add(server);
				server.awaitPort(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
				create.add("127.0.0.1:" + port);
				nodes.append((i > 0) ? "," : "").append("127.0.0.1:").append(port);
			}
			create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			String out = exec(create);
			if (!out.contains("All 16384 slots covered")) {
				throw new IOException("redis-cli --cluster create failed: " + out);
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			for (ServerProcess server : redis) {
				while (!exec(List.of(redisCli(), "-p", Integer.toString(server.port), "CLUSTER", "INFO"))
					.contains("cluster_state:ok")) {
					if (System.nanoTime() > deadline) {
						throw new IOException("Redis Cluster not ok in 30 s");
					}
					Thread.sleep(100);
				}
			}
			return LoadMain.concat(common, List.of("--pubsubclub.redis.mode=sharded", "--spring.data.redis.cluster.nodes=" + nodes));
		}
		throw new IllegalArgumentException("unknown backplane " + system
				+ " (mesh, pubsub, pubsub-nohist, sharded, sharded-nohist)");
	}

	private ServerProcess redisServer(String name, int port, List<String> extra) throws IOException {
		Path dir = this.work.resolve("redis-" + name);
		Files.createDirectories(dir);
		return ServerProcess.start(name, port, LoadMain.concat(List.of(this.redisServer, "--bind", "127.0.0.1", "--port",
				Integer.toString(port), "--dir", dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no"),
				extra), this.logs, this.pidFile);
	}

	private String redisCli() {
		return Path.of(this.redisServer).resolveSibling("redis-cli").toString();
	}

	private ServerProcess startNode(String system, int n, int i, List<String> backplane, List<ServerProcess> started)
			throws IOException {
		int port = LoadMainPorts.free();
		List<String> args = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx1g", "-XX:+UseG1GC", "-jar", this.jar, "--server.port=" + port, "--server.address=127.0.0.1",
				"--spring.main.banner-mode=off", "--pubsubclub.wamp.limits.publish-rate=1TB",
				"--pubsubclub.discovery.enabled=false"));
		if (system.equals("mesh")) {
			// the starter's default layout on every node: its producer serves, its consumer
			// dials every other node's producer
			args.addAll(List.of("--pubsubclub.producer.enabled=true", "--pubsubclub.producer.mode=server",
					"--pubsubclub.consumer.enabled=true", "--pubsubclub.consumer.mode=client",
					"--pubsubclub.server.address=127.0.0.1", "--pubsubclub.server.port=" + clusterPort(port, i)));
			StringBuilder peers = new StringBuilder();
			for (int j = 0; j < n; j++) {
				if (j != i) {
					peers.append((peers.length() > 0) ? "," : "").append("127.0.0.1:").append(clusterPort(port, j));
				}
			}
			args.add("--pubsubclub.peers=" + peers);
		}
		args.addAll(backplane);
		return ServerProcess.start(system + "-" + n + "-node" + (i + 1), port, args, this.logs, this.pidFile);
	}

	// the mesh's cluster ports: consecutive from a base picked per system, so that every
	// node knows the others' before they start
	private int meshBase;

	private int clusterPort(int port, int i) {
		return this.meshBase + i;
	}

	private String row(String system, int n, Workload workload, List<ServerProcess> nodes, List<ServerProcess> redis)
			throws Exception {
		String topic = "bench.bp" + (++this.trialNumber);
		List<RawWebSocket> connections = new ArrayList<>();
		for (int s = 0; s < workload.k; s++) {
			ServerProcess node = nodes.get(1 + (s % (nodes.size() - 1)));
			RawWebSocket ws = RawWebSocket.open(node.port, "/wamp", "wamp", 5000);
			connections.add(ws);
			ws.sendText("[5,\"" + topic + "\"]");
		}
		try (Subscribers subscribers = new Subscribers(connections);
				Closeable publisherConnection = new Closeable(
						RawWebSocket.open(nodes.get(0).port, "/wamp", "wamp", 5000))) {
			Publisher publisher = new Publisher(publisherConnection.ws, topic, 100);
			long deadline = Clock.now() + TimeUnit.SECONDS.toNanos(60);
			while (subscribers.minimum() < 1) {
				if (Clock.now() > deadline || subscribers.failure() != null) {
					return "| " + system + " | " + n + " | " + workload.name + " | not measured: "
							+ ((subscribers.failure() != null) ? subscribers.failure() : "no probe arrived in 60 s")
							+ " |||||||||\n";
				}
				publisher.publishOne(deadline);
				Thread.sleep(20);
			}
			Thread.sleep(300);
			long baseline = publisher.published() - subscribers.minimum();
			int window = (int) Math.max(1, Math.min(512, LoadMain.MAX_IN_FLIGHT_DELIVERIES / workload.k));
			// warm-up: saturation in half-second intervals until two agree within 10%
			long warmEnd = Clock.now() + WARMUP_CAP_NANOS;
			double last = -1;
			String settled = "not settled";
			int intervals = 0;
			while (Clock.now() < warmEnd) {
				long before = subscribers.total();
				long start = Clock.now();
				publisher.saturate(subscribers, baseline, window, start + ROUND_NANOS / 2);
				double rate = (subscribers.total() - before) * 1e9 / (Clock.now() - start);
				intervals++;
				if (last > 0 && intervals >= WARMUP_MIN_INTERVALS && Math.abs(rate - last) <= 0.1 * Math.max(rate, last)) {
					settled = "settled in " + intervals + " × 0.5 s";
					break;
				}
				last = rate;
			}
			drain(publisher, subscribers, baseline);
			// throughput rounds
			List<Double> rates = new ArrayList<>();
			List<Double> nodeCpuSat = new ArrayList<>();
			List<Double> redisCpuSat = new ArrayList<>();
			for (int r = 0; r < ROUNDS; r++) {
				long before = subscribers.total();
				double nodesBefore = cpu(nodes);
				double redisBefore = cpu(redis);
				long start = Clock.now();
				publisher.saturate(subscribers, baseline, window, start + ROUND_NANOS);
				long elapsed = Clock.now() - start;
				long delivered = subscribers.total() - before;
				rates.add(delivered * 1e9 / elapsed);
				nodeCpuSat.add((cpu(nodes) - nodesBefore) * 1e6 / Math.max(1, delivered));
				redisCpuSat.add((cpu(redis) - redisBefore) * 1e6 / Math.max(1, delivered));
				drain(publisher, subscribers, baseline);
			}
			// latency and CPU at the fixed offered rate, recorded through the drain
			double nodesBefore = cpu(nodes);
			double redisBefore = cpu(redis);
			long before = subscribers.total();
			long start = Clock.now();
			subscribers.startRecording(start);
			publisher.paced(workload.offered, start + ROUNDS * ROUND_NANOS);
			drain(publisher, subscribers, baseline);
			subscribers.stopRecording();
			long delivered = subscribers.total() - before;
			double nodeCpu = (cpu(nodes) - nodesBefore) * 1e6 / Math.max(1, delivered);
			double redisCpu = (cpu(redis) - redisBefore) * 1e6 / Math.max(1, delivered);
			LatencyHistogram histogram = subscribers.histogram();
			long expected = (long) (workload.offered * ROUNDS * ROUND_NANOS / 1e9) * workload.k;
			String notes = settled + "; sat. rounds " + format(rates, "%.0f");
			if (histogram.count() < expected * 0.99) {
				notes += "; paced: " + histogram.count() + " of ~" + expected + " deliveries recorded";
			}
			if (subscribers.outOfOrder() > 0 || subscribers.gaps() > 0) {
				notes += "; order: " + subscribers.outOfOrder() + " out of order, " + subscribers.gaps() + " missing";
			}
			if (subscribers.cut() > 0) {
				notes += "; cut: " + subscribers.cutCodes();
			}
			return String.format(Locale.ROOT, "| %s | %d | %s | %.0f | %.0f | %d | %d | %.2f | %.2f | %.2f | %.2f | %s |%n",
					system, n, workload.name, median(rates), workload.offered, histogram.percentileMicros(50),
					histogram.percentileMicros(99), nodeCpu, redisCpu, median(nodeCpuSat), median(redisCpuSat), notes);
		}
	}

	private static void drain(Publisher publisher, Subscribers subscribers, long baseline) throws InterruptedException {
		long deadline = Clock.now() + DRAIN_NANOS;
		while (publisher.published() - baseline > subscribers.minimum() && Clock.now() < deadline
				&& subscribers.failure() == null) {
			Thread.sleep(5);
		}
	}

	private static double cpu(List<ServerProcess> processes) throws IOException {
		double sum = 0;
		for (ServerProcess process : processes) {
			sum += process.cpuSeconds();
		}
		return sum;
	}

	private static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

	private static String format(List<Double> values, String format) {
		List<String> out = new ArrayList<>();
		for (double value : values) {
			out.add(String.format(Locale.ROOT, format, value));
		}
		return String.join("/", out);
	}

	private static String loadAverage() {
		try {
			return Files.readString(Path.of("/proc/loadavg")).trim();
		}
		catch (IOException ex) {
			return "?";
		}
	}

	private static String exec(List<String> command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(30, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IOException(command + " did not finish");
		}
		return out;
	}

	record Workload(String name, int k, double offered) {

	}

	private record Closeable(RawWebSocket ws) implements AutoCloseable {

		@Override
		public void close() {
			this.ws.close();
		}

	}

	/** Free loopback ports, as the harness picks them. */
	static final class LoadMainPorts {

		private LoadMainPorts() {
		}

		static int free() throws IOException {
			return LoadMain.freePort();
		}

		/** A port whose Redis Cluster bus port (+10000) is free too. */
		static int freePair() throws IOException {
			for (int attempt = 0; attempt < 100; attempt++) {
				int port = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(30000);
				if (isFree(port) && isFree(port + 10000)) {
					return port;
				}
			}
			throw new IOException("no free port pair");
		}

		/** The first of {@code count} consecutive free ports. */
		static int freeRange(int count) throws IOException {
			for (int attempt = 0; attempt < 100; attempt++) {
				int base = 20000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(30000);
				boolean all = true;
				for (int i = 0; i < count && all; i++) {
					all = isFree(base + i);
				}
				if (all) {
					return base;
				}
			}
			throw new IOException("no " + count + " consecutive free ports");
		}

		private static boolean isFree(int port) {
			try (var socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
