package io.pubsubclub.benchmarks.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end load program. It starts every server process of the four systems on
 * 127.0.0.1, then measures each system with the same work, with this process both
 * publishing and receiving so that latencies are read on one clock:
 * <ol>
 * <li>one node: publisher and K subscribers on one PubSubClub node (the WAMP layer alone);</li>
 * <li>the cluster hop: publisher on node A, K subscribers on node B, through PubSubClub;</li>
 * <li>a Redis relay: relay A does PUBLISH, relay B's Redis subscriber writes to K sessions;</li>
 * <li>a bare relay: relay A writes each frame on one WebSocket to relay B, which writes it to K
 * sessions (the floor of one hop).</li>
 * </ol>
 * It prints one table with ratios to (1) and (3), and stops every process it started.
 * <p>
 * Arguments: {@code --short|--long --sample-app JAR --classpath FILE --redis-server PATH
 * --work DIR}.
 */
public final class LoadMain {

	private static final PrintStream progress = System.err;

	private static final long STARTED = System.nanoTime();

	/** Time a system runs at the new rate before its figures count. */
	private static final long RAMP_NANOS = 300_000_000L;

	private final Map<String, String> options;

	private final boolean shortMode;

	private final Path work;

	private final Path pidFile;

	private final long warmupNanos;

	private final long measureNanos;

	private final int rounds;

	private final long latencyNanos;

	private final int idleConnections;

	/** Length of one warm-up interval: its figures are compared with the previous one's. */
	private final long intervalNanos;

	/** The shortest a warm-up may be, however early two intervals agree. */
	private final long settleMinNanos;

	/** The longest a warm-up may take per payload before it is reported as not settled. */
	private final long settleCapNanos;

	/** The same for the warm-up of each row (payload and K) before its rounds. */
	private final long rowSettleCapNanos;

	private final boolean heapOnly;

	/** The idle nodes: started with the others, left idle until their figures are taken. */
	private final List<IdleNode> idleNodes = new ArrayList<>();

	/** Descriptor limits of the load program and the servers, as found, with any warning. */
	private String descriptorNote = "";

	private int trialNumber;

	private LoadMain(Map<String, String> options) {
		this.options = options;
		this.shortMode = !options.containsKey("long");
		this.work = Path.of(options.getOrDefault("work", "benchmarks/target/run"));
		this.pidFile = this.work.resolve("pids");
		this.warmupNanos = seconds(this.shortMode ? 1 : 5);
		this.measureNanos = seconds(this.shortMode ? 1 : 3);
		this.rounds = this.shortMode ? 3 : 4;
		this.latencyNanos = seconds(this.shortMode ? 1 : 3);
		this.idleConnections = Integer.parseInt(options.getOrDefault("idle", this.shortMode ? "1000" : "10000"));
		this.intervalNanos = seconds(this.shortMode ? 0.5 : 1);
		this.settleMinNanos = seconds(this.shortMode ? 2 : 5);
		this.settleCapNanos = seconds(this.shortMode ? 12 : 60);
		this.rowSettleCapNanos = seconds(this.shortMode ? 6 : 20);
		this.heapOnly = options.containsKey("heap-only");
		if (options.containsKey("latency-trace")) {
			LatencyTrace.directory = Path.of(options.get("latency-trace"));
		}
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = new HashMap<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				throw new IllegalArgumentException("unexpected argument " + arg);
			}
			String key = arg.substring(2);
			if (key.equals("short") || key.equals("long") || key.equals("jfr") || key.equals("heap-only")
					|| key.equals("consumer-serves") || key.equals("idle-subscribed")
					|| key.equals("compression-node") || key.equals("wamp2") || key.equals("backplane")
					|| key.equals("jdk-client")) {
				options.put(key, "true");
			}
			else if (i + 1 < args.length) {
				options.put(key, args[++i]);
			}
			else {
				throw new IllegalArgumentException("missing value for " + arg);
			}
		}
		try {
			if (options.containsKey("backplane")) {
				// mesh or Redis (issue 27): a run of its own, see BackplaneRun
				BackplaneRun.main(options);
			}
			else {
				new LoadMain(options).run();
			}
		}
		finally {
			ServerProcess.stopAll();
		}
		System.exit(0);
	}

	/** Payload × K measured when {@code --configs} is not given. */
	static final List<Config> DEFAULT_CONFIGS = List.of(new Config(100, 1), new Config(100, 100),
			new Config(100, 1000), new Config(4096, 1), new Config(4096, 100));

	private void run() throws Exception {
		Files.createDirectories(this.work);
		Files.deleteIfExists(this.pidFile);
		List<Config> configs = this.heapOnly ? List.of()
				: this.options.containsKey("configs") ? Config.parse(this.options.get("configs")) : DEFAULT_CONFIGS;
		List<SystemUnderTest> systems = startSystems();
		List<SystemUnderTest> available = systems.stream().filter((s) -> s.unavailable == null).toList();
		int idle = checkDescriptors(available, configs);
		for (SystemUnderTest system : available) {
			if (!this.heapOnly) {
				warmUp(system, configs);
			}
		}
		available = available.stream().filter((s) -> s.unavailable == null).toList();
		Map<String, Result> results = new LinkedHashMap<>();
		for (Config config : configs) {
			measure(available, config, results);
		}
		List<IdleCost> idleCosts = new ArrayList<>();
		for (IdleNode node : this.idleNodes) {
			idleCosts.addAll(idleCosts(node, idle));
		}
		for (SystemUnderTest system : available) {
			// (1)'s figures come from its idle nodes; the relays' figure is for comparison
			// only: the short mode keeps to its 3 minutes
			if (!system.label.equals("(1)") && (system.wamp || !this.shortMode)) {
				idleCosts.addAll(idleCosts(new IdleNode(system.label, system.name + ", subscriber node",
						system.subscriberNode, system.subscriberPath, system.wamp, !this.heapOnly, false), idle));
			}
		}
		String table = Report.table(systems, configs, results, idleCosts, idle, this.shortMode, this.descriptorNote,
				Instant.now(), (System.nanoTime() - STARTED) / 1e9);
		if (this.options.containsKey("wamp2")) {
			table = "WAMP v2 clients (--wamp2): the WAMP systems' publisher and subscribers speak wamp.2.json.\n\n" + table;
		}
		System.out.println(table);
		Files.writeString(this.work.resolve("results.md"), table);
	}

	/**
	 * K subscribers and N idle connections each need a descriptor in this process and in
	 * the server that holds them: report the limits, and lower N to what fits (the idle
	 * figures hold 2 × N connections at once, N without and N with deflate offered).
	 * @return the number of idle connections per batch to use
	 */
	private int checkDescriptors(List<SystemUnderTest> systems, List<Config> configs) {
		int maxK = configs.stream().mapToInt(Config::k).max().orElse(0);
		long own = ServerProcess.openFilesLimit(Path.of("/proc/self/limits"));
		StringBuilder note = new StringBuilder(String.format(Locale.ROOT,
				"Descriptors: load program limit %s (needs about %,d: K up to %,d, then 2 × %,d idle)", limit(own),
				Math.max(maxK, 2L * this.idleConnections) + 100, maxK, this.idleConnections));
		int idle = this.idleConnections;
		if (own > 0 && 2L * idle + 300 > own) {
			idle = (int) Math.max(1, (own - 300) / 2);
			note.append(String.format(Locale.ROOT, "; idle connections lowered to %,d per batch to fit", idle));
		}
		if (own > 0 && maxK + 300 > own) {
			note.append(String.format(Locale.ROOT, "; WARNING: K = %,d does not fit", maxK));
		}
		for (SystemUnderTest system : systems) {
			long server = system.subscriberNode.maxOpenFiles();
			note.append(String.format(Locale.ROOT, "; %s subscriber node %s", system.label, limit(server)));
			if (server > 0 && Math.max(maxK, 2L * idle) + 300 > server) {
				note.append(" (WARNING: too low)");
			}
		}
		log("%s", note);
		this.descriptorNote = note.append('.').toString();
		return idle;
	}

	private static String limit(long limit) {
		return limit < 0 ? "unknown" : limit == Long.MAX_VALUE ? "unlimited" : String.format(Locale.ROOT, "%,d", limit);
	}

	/**
	 * Run each system hot before anything is measured, for every payload measured, until
	 * its figures settle: two consecutive intervals that agree within 10% in delivered
	 * events/s and in CPU per delivery, after at least a minimum time and at most a cap
	 * per payload. The time it took is reported per system, so that a short run shows
	 * whether the JIT was still compiling when the measurement began.
	 */
	private void warmUp(SystemUnderTest system, List<Config> configs) throws Exception {
		int k = Math.max(10, Math.min(100, configs.stream().mapToInt(Config::k).max().orElse(10)));
		long start = Clock.now();
		StringBuilder note = new StringBuilder();
		for (int payload : configs.stream().map(Config::payload).distinct().toList()) {
			Config config = new Config(payload, k);
			try (Trial trial = openTrial(system, config)) {
				if (trial.error == null) {
					note.append(note.isEmpty() ? "" : "; ").append(config).append(' ').append(settle(system, trial, config, this.settleCapNanos));
				}
				else {
					system.unavailable = "warm-up: " + trial.error;
				}
			}
			catch (IOException ex) {
				system.unavailable = "warm-up: " + ex.getMessage();
			}
			if (system.unavailable != null) {
				log("%s %s not measured: %s", system.label, system.name, system.unavailable);
				return;
			}
		}
		system.warmupSeconds = (Clock.now() - start) / 1e9;
		system.warmupNote = note.toString();
		log("%s %s warmed up in %.1f s: %s", system.label, system.name, system.warmupSeconds, note);
	}

	/** Saturate in intervals until two consecutive ones agree; say how it went. */
	private String settle(SystemUnderTest system, Trial trial, Config config, long capNanos) throws IOException {
		long start = Clock.now();
		double lastRate = Double.NaN;
		double lastCpu = Double.NaN;
		for (int intervals = 1;; intervals++) {
			long t0 = Clock.now();
			long received0 = trial.subscribers.total();
			double cpu0 = cpu(system);
			trial.publisher.saturate(trial.subscribers, trial.baseline, window(config), t0 + this.intervalNanos);
			long t1 = Clock.now();
			long received = trial.subscribers.total() - received0;
			double cpu = cpu(system) - cpu0;
			if (trial.subscribers.failure() != null) {
				throw new IOException(trial.subscribers.failure() + cutNote(trial.subscribers));
			}
			double rate = received / ((t1 - t0) / 1e9);
			double cpuPer = received == 0 ? Double.NaN : cpu / received * 1e6;
			boolean agree = within(rate, lastRate, 0.10) && within(cpuPer, lastCpu, 0.10);
			double elapsed = (t1 - start) / 1e9;
			if (agree && t1 - start >= this.settleMinNanos) {
				return String.format(Locale.ROOT, "settled in %.1f s (%d intervals; %,.0f ev/s, %.1f µs per delivery)",
						elapsed, intervals, rate, cpuPer);
			}
			if (t1 - start >= capNanos && received == 0) {
				return String.format(Locale.ROOT, "NOT settled in %.1f s: nothing delivered in the last interval"
						+ " (the slowest subscriber stalled)", elapsed);
			}
			if (t1 - start >= capNanos) {
				return String.format(Locale.ROOT,
						"NOT settled in %.1f s (last two intervals %,.0f / %,.0f ev/s, %.1f / %.1f µs per delivery)",
						elapsed, lastRate, rate, lastCpu, cpuPer);
			}
			lastRate = rate;
			lastCpu = cpuPer;
		}
	}

	private static boolean within(double a, double b, double tolerance) {
		return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b));
	}

	private static String cutNote(Subscribers subscribers) {
		int cut = subscribers.cut();
		return cut == 0 ? "" : " (" + cut + " sessions cut: " + subscribers.cutCodes() + ")";
	}

	/**
	 * Measure all systems for one payload and K: the same connections stay open while the
	 * systems take turns in rounds, so that the load other builds put on this shared machine
	 * falls on all of them alike. Throughput first, then latency at half the slowest
	 * system's saturation.
	 */
	private void measure(List<SystemUnderTest> systems, Config config, Map<String, Result> results)
			throws Exception {
		Map<SystemUnderTest, Trial> trials = new LinkedHashMap<>();
		try {
			for (SystemUnderTest system : systems) {
				Result result = new Result();
				results.put(key(system, config), result);
				try {
					Trial trial = openTrial(system, config);
					trials.put(system, trial);
					result.error = trial.error;
					result.setupSeconds = trial.setupSeconds;
					log("%s %-11s %,d subscribers connected and subscribed in %.1f s", system.label, config, config.k,
							trial.setupSeconds);
				}
				catch (IOException ex) {
					result.error = ex.getMessage();
				}
			}
			// each system first runs this row's work until it settles: a new K, new
			// connections and a new topic may still compile or resize the heap
			for (SystemUnderTest system : systems) {
				Trial trial = trials.get(system);
				Result result = results.get(key(system, config));
				if (trial == null || result.error != null) {
					continue;
				}
				long start = Clock.now();
				try {
					result.settleNote = settle(system, trial, config, this.rowSettleCapNanos);
					trial.drain(seconds(5));
				}
				catch (IOException ex) {
					result.error = "row warm-up: " + ex.getMessage();
				}
				result.settleSeconds = (Clock.now() - start) / 1e9;
				log("%s %-11s row warm-up %s", system.label, config,
						result.error != null ? "failed: " + result.error : result.settleNote);
			}
			Map<SystemUnderTest, double[]> sums = new HashMap<>();
			for (int round = 0; round < this.rounds; round++) {
				for (SystemUnderTest system : rotate(systems, round)) {
					Trial trial = trials.get(system);
					Result result = results.get(key(system, config));
					if (trial == null || result.error != null) {
						continue;
					}
					try {
						trial.publisher.saturate(trial.subscribers, trial.baseline, window(config),
								Clock.now() + RAMP_NANOS);
						long t0 = Clock.now();
						long received0 = trial.subscribers.total();
						double cpu0 = cpu(system);
						double self0 = selfCpu();
						trial.publisher.saturate(trial.subscribers, trial.baseline, window(config),
								t0 + this.measureNanos);
						long t1 = Clock.now();
						long received1 = trial.subscribers.total();
						double cpu1 = cpu(system);
						double self1 = selfCpu();
						trial.drain(seconds(5));
						if (trial.subscribers.failure() != null) {
							result.error = trial.subscribers.failure() + cutNote(trial.subscribers);
							continue;
						}
						double[] sum = sums.computeIfAbsent(system, (k) -> new double[4]);
						sum[0] += received1 - received0;
						sum[1] += (t1 - t0) / 1e9;
						sum[2] += cpu1 - cpu0;
						sum[3] += self1 - self0;
						if (received1 > received0) {
							result.roundRates.add((received1 - received0) / ((t1 - t0) / 1e9));
							result.roundCpu.add((cpu1 - cpu0) / (received1 - received0) * 1e6);
						}
					}
					catch (IOException ex) {
						result.error = ex.getMessage();
					}
				}
			}
			for (Map.Entry<SystemUnderTest, Trial> entry : trials.entrySet()) {
				// what was cut so far was cut under the flow-controlled (saturating) load
				results.get(key(entry.getKey(), config)).cutSaturated = entry.getValue().subscribers == null ? 0
						: entry.getValue().subscribers.cut();
			}
			double slowest = Double.MAX_VALUE;
			for (SystemUnderTest system : systems) {
				Result result = results.get(key(system, config));
				double[] sum = sums.get(system);
				if (result.error != null || sum == null || sum[0] == 0) {
					if (result.error == null) {
						result.error = "nothing delivered";
					}
					log("%s %-11s throughput failed: %s", system.label, config, result.error);
					continue;
				}
				result.delivered = sum[0] / sum[1];
				result.cpuPerMillion = sum[2] / (sum[0] / 1e6);
				slowest = Math.min(slowest, result.delivered / config.k);
				log("%s %-11s %,10.0f delivered/s (rounds %s)  %.2f µs server CPU per delivery (rounds %s;"
						+ " load program: %.2f)", system.label, config, result.delivered, rounds(result.roundRates, "%,.0f"),
						result.cpuPerMillion, rounds(result.roundCpu, "%.2f"), sum[3] / (sum[0] / 1e6));
			}
			if (slowest == Double.MAX_VALUE) {
				return;
			}
			// --offered N: the latency rows at a fixed rate (events published per second)
			// instead of half the slowest system's saturation
			double offered = this.options.containsKey("offered") ? Double.parseDouble(this.options.get("offered"))
					: Math.max(10, slowest / 2);
			for (int round = 0; round < this.rounds; round++) {
				for (SystemUnderTest system : rotate(systems, round)) {
					Trial trial = trials.get(system);
					Result result = results.get(key(system, config));
					if (trial == null || result.error != null || result.latencyError != null) {
						continue;
					}
					try {
						trial.publisher.paced(offered, Clock.now() + RAMP_NANOS);
						// every event of the measured stretch counts, however late it comes:
						// recording goes on through the drain, and what never came is a loss
						long from = Clock.now();
						long publishedBefore = trial.publisher.published();
						trial.subscribers.startRecording(from);
						trial.publisher.paced(offered, Clock.now() + this.latencyNanos);
						result.expectedSamples += (trial.publisher.published() - publishedBefore)
								* trial.subscribers.size();
						trial.drain(seconds(5));
						trial.subscribers.stopRecording();
						if (trial.subscribers.failure() != null) {
							result.latencyError = trial.subscribers.failure() + cutNote(trial.subscribers);
						}
					}
					catch (IOException ex) {
						result.latencyError = ex.getMessage();
					}
				}
			}
			for (SystemUnderTest system : systems) {
				Trial trial = trials.get(system);
				Result result = results.get(key(system, config));
				if (trial == null || result.error != null) {
					continue;
				}
				if (result.latencyError != null) {
					log("%s %-11s latency failed: %s", system.label, config, result.latencyError);
					continue;
				}
				LatencyHistogram histogram = trial.subscribers.histogram();
				result.offered = offered;
				result.p50 = histogram.percentileMicros(50);
				result.p99 = histogram.percentileMicros(99);
				result.p999 = histogram.percentileMicros(99.9);
				result.lost = result.expectedSamples - histogram.count();
				histogram.writeTrace(system.label + "-" + config);
				log("%s %-11s at %,.0f published/s: p50 %d µs  p99 %d µs  p99.9 %d µs (%,d samples, %,d lost:"
						+ " not received within 5 s of the end)", system.label, config, offered, result.p50, result.p99,
						result.p999, histogram.count(), result.lost);
			}
			if (this.options.containsKey("jdk-client")) {
				// --jdk-client: the same rate again with the JDK's WebSocket client
				for (SystemUnderTest system : systems) {
					if (system.wamp && results.get(key(system, config)).error == null) {
						log("%s %-11s JDK client at %,.0f published/s: %s", system.label, config, offered,
								JdkClientLatency.measure(system, config.payload, offered, this.latencyNanos, this.rounds));
					}
				}
			}
		}
		finally {
			for (Map.Entry<SystemUnderTest, Trial> entry : trials.entrySet()) {
				Trial trial = entry.getValue();
				Result result = results.get(key(entry.getKey(), config));
				if (trial.subscribers != null) {
					// sessions the server closed at any time during this row, whatever the phase
					result.cut = trial.subscribers.cut();
					result.cutCodes = trial.subscribers.cutCodes();
					result.drainTimeouts = trial.drainTimeouts;
					if (trial.drainTimeouts > 0) {
						log("%s %-11s %d drains ended with a subscriber still behind after 5 s", entry.getKey().label,
								config, trial.drainTimeouts);
					}
					result.outOfOrder = trial.subscribers.outOfOrder();
					result.gaps = trial.subscribers.gaps();
					if (result.outOfOrder + result.gaps > 0) {
						log("%s %-11s order per session broken: %,d events out of order or twice, %,d missing",
								entry.getKey().label, config, result.outOfOrder, result.gaps);
					}
					if (result.cut > 0) {
						log("%s %-11s %d of %d sessions cut by the server (%d under the flow-controlled load, %d under"
								+ " the paced one): %s", entry.getKey().label, config, result.cut, config.k,
								result.cutSaturated, result.cut - result.cutSaturated, result.cutCodes);
					}
				}
				trial.close();
			}
		}
	}

	private static String rounds(List<Double> values, String format) {
		StringBuilder out = new StringBuilder();
		for (double value : values) {
			out.append(out.isEmpty() ? "" : " / ").append(String.format(Locale.ROOT, format, value));
		}
		return out.toString();
	}

	/** Deliveries (events × K) the publisher's window may leave in flight. */
	static final int MAX_IN_FLIGHT_DELIVERIES = 65_536;

	private static List<SystemUnderTest> rotate(List<SystemUnderTest> systems, int round) {
		List<SystemUnderTest> rotated = new ArrayList<>(systems);
		java.util.Collections.rotate(rotated, -round);
		return rotated;
	}

	/**
	 * Events the publisher keeps in flight beyond the slowest subscriber: at most 384 KB of
	 * them (under a session's 512 KB send buffer) and at most {@value #MAX_IN_FLIGHT_DELIVERIES}
	 * deliveries over all K, so that a slow system's backlog at K = 1,000 drains within its
	 * turn instead of loading the machine through the next system's turn.
	 */
	static int window(Config config) {
		return Math.max(16, Math.min(Math.min(512, 384 * 1024 / config.payload), MAX_IN_FLIGHT_DELIVERIES / config.k));
	}

	private static void log(String format, Object... args) {
		progress.printf(Locale.ROOT, "[%5.1f s] " + format + "%n",
				concatArgs((System.nanoTime() - STARTED) / 1e9, args));
	}

	private static Object[] concatArgs(Object first, Object[] rest) {
		Object[] all = new Object[rest.length + 1];
		all[0] = first;
		System.arraycopy(rest, 0, all, 1, rest.length);
		return all;
	}

	private static String key(SystemUnderTest system, Config config) {
		return system.label + "/" + config;
	}

	/** The setting the starter offers for many idle connections, measured for idle cost only. */
	static final String COMPACT_OPTION = "--pubsubclub.wamp.connection-buffer-size=1KB";

	/** The opt-in for permessage-deflate on the WAMP endpoint, measured for idle cost only. */
	static final String COMPRESSION_OPTION = "--pubsubclub.wamp.compression=true";

	private List<SystemUnderTest> startSystems() throws Exception {
		String jar = required("sample-app");
		String classpath = Files.readString(Path.of(required("classpath"))).trim();
		String redisServer = this.options.getOrDefault("redis-server", "redis-server");
		Path logs = this.work.resolve("logs");
		Files.createDirectories(logs);

		List<String> boot = List.of("--server.address=127.0.0.1", "--server.tomcat.max-connections=20000",
				"--server.tomcat.accept-count=1000", "--spring.main.banner-mode=off",
				// the benchmark's one publisher saturates on purpose: no per-session publish budget
				"--pubsubclub.wamp.limits.publish-rate=1TB");
		List<SystemUnderTest> systems = new ArrayList<>();
		// --server-opts "…": extra options for every server JVM (nodes and relays), for tuning experiments
		List<String> nodeJvm = new ArrayList<>();
		List<String> nodeArgs = new ArrayList<>();
		for (String opt : this.options.getOrDefault("server-opts", "").trim().split("\\s+")) {
			if (opt.startsWith("-D") || opt.startsWith("-X")) {
				nodeJvm.add(opt);
			}
			else if (!opt.isEmpty()) {
				nodeArgs.add(opt);
			}
		}

		if (selected(1)) {
			int port = freePort();
			ServerProcess one = ServerProcess.start("1-one-node", port,
					concat(this.heapOnly ? idleJvm("1-one-node") : jvm("1-one-node"), nodeJvm, List.of("-jar", jar, "--server.port=" + port), boot, nodeArgs), logs, this.pidFile);
			systems.add(new SystemUnderTest("(1)", "one node", one, "/wamp", one, "/wamp", true, List.of(one)));
			// the idle figures are taken on nodes that have done nothing else, so that RSS
			// shows what the connections add, not what a load left resident; in --heap-only
			// mode the one node itself has done nothing else
			List<String[]> idle = new ArrayList<>();
			if (!this.heapOnly) {
				idle.add(new String[] { "default", null });
			}
			idle.add(new String[] { "compact", COMPACT_OPTION });
			if (this.heapOnly || this.options.containsKey("compression-node")) {
				idle.add(new String[] { "compression", COMPRESSION_OPTION });
			}
			if (this.heapOnly) {
				this.idleNodes.add(new IdleNode("(1) default", "one node, defaults", one, "/wamp", true, false, false));
			}
			for (String[] variant : idle) {
				String name = "1-idle-" + variant[0];
				int idlePort = freePort();
				List<String> option = variant[1] == null ? List.of() : List.of(variant[1]);
				ServerProcess node = ServerProcess.start(name, idlePort,
						concat(idleJvm(name), nodeJvm, List.of("-jar", jar, "--server.port=" + idlePort), boot, nodeArgs,
								option),
						logs, this.pidFile);
				this.idleNodes.add(new IdleNode("(1) " + variant[0],
						"one node, " + (variant[1] == null ? "defaults" : variant[1].substring(2)), node, "/wamp", true,
						false, true));
			}
		}
		else {
			systems.add(SystemUnderTest.skipped("(1)", "one node"));
		}

		if (selected(2)) {
			int aPort = freePort();
			int bPort = freePort();
			int clusterPort = freePort();
			// the default layout: the producer serves, the consumer dials, so 301s go server to
			// client unmasked; --consumer-serves turns it round. The modes are given either way
			// so that the layout measured is the one named.
			boolean consumerServes = this.options.containsKey("consumer-serves");
			List<String> aCluster = consumerServes
					? List.of("--pubsubclub.producer.enabled=true", "--pubsubclub.producer.mode=client",
							"--pubsubclub.consumer.enabled=false", "--pubsubclub.peers=127.0.0.1:" + clusterPort,
							"--pubsubclub.discovery.enabled=false")
					: List.of("--pubsubclub.producer.enabled=true", "--pubsubclub.producer.mode=server",
							"--pubsubclub.consumer.enabled=false", "--pubsubclub.server.address=127.0.0.1",
							"--pubsubclub.server.port=" + clusterPort, "--pubsubclub.discovery.enabled=false");
			List<String> bCluster2 = consumerServes
					? List.of("--pubsubclub.producer.enabled=false", "--pubsubclub.consumer.enabled=true",
							"--pubsubclub.consumer.mode=server", "--pubsubclub.server.address=127.0.0.1",
							"--pubsubclub.server.port=" + clusterPort, "--pubsubclub.discovery.enabled=false")
					: List.of("--pubsubclub.producer.enabled=false", "--pubsubclub.consumer.enabled=true",
							"--pubsubclub.consumer.mode=client", "--pubsubclub.peers=127.0.0.1:" + clusterPort,
							"--pubsubclub.discovery.enabled=false");
			ServerProcess clusterA = ServerProcess.start("2-cluster-a", aPort,
					concat(jvm("2-cluster-a"), nodeJvm, List.of("-jar", jar, "--server.port=" + aPort), boot, nodeArgs,
							aCluster),
					logs, this.pidFile);
			ServerProcess clusterB = ServerProcess.start("2-cluster-b", bPort,
					concat(this.heapOnly ? idleJvm("2-cluster-b") : jvm("2-cluster-b"), nodeJvm, List.of("-jar", jar, "--server.port=" + bPort), boot, nodeArgs,
							bCluster2),
					logs, this.pidFile);
			systems.add(new SystemUnderTest("(2)", "cluster hop", clusterA, "/wamp", clusterB, "/wamp", true,
					List.of(clusterA, clusterB)));
		}
		else {
			systems.add(SystemUnderTest.skipped("(2)", "cluster hop"));
		}

		String relayMain = "io.pubsubclub.benchmarks.relay.RelayApplication";
		if (selected(3)) {
			int redisPort = freePort();
			ServerProcess redis = ServerProcess.start("3-redis-server", redisPort,
					List.of(redisServer, "--bind", "127.0.0.1", "--port", Integer.toString(redisPort), "--save", "",
							"--appendonly", "no", "--protected-mode", "yes", "--daemonize", "no"),
					logs, this.pidFile);
			int aPort = freePort();
			int bPort = freePort();
			ServerProcess relayA = ServerProcess.start("3-redis-relay-a", aPort,
					concat(jvm("3-redis-relay-a"), nodeJvm, List.of("-cp", classpath, relayMain), boot, nodeArgs,
							List.of("--server.port=" + aPort, "--relay.kind=redis", "--relay.role=in",
									"--relay.redis-port=" + redisPort)),
					logs, this.pidFile);
			ServerProcess relayB = ServerProcess.start("3-redis-relay-b", bPort,
					concat(jvm("3-redis-relay-b"), nodeJvm, List.of("-cp", classpath, relayMain), boot, nodeArgs,
							List.of("--server.port=" + bPort, "--relay.kind=redis", "--relay.role=out",
									"--relay.redis-port=" + redisPort)),
					logs, this.pidFile);
			systems.add(new SystemUnderTest("(3)", "Redis relay", relayA, "/ws", relayB, "/ws", false,
					List.of(relayA, relayB, redis)));
		}
		else {
			systems.add(SystemUnderTest.skipped("(3)", "Redis relay"));
		}

		if (selected(4)) {
			int aPort = freePort();
			int bPort = freePort();
			ServerProcess relayA = ServerProcess.start("4-bare-relay-a", aPort,
					concat(jvm("4-bare-relay-a"), nodeJvm, List.of("-cp", classpath, relayMain), boot, nodeArgs,
							List.of("--server.port=" + aPort, "--relay.kind=bare", "--relay.role=in")),
					logs, this.pidFile);
			ServerProcess relayB = ServerProcess.start("4-bare-relay-b", bPort,
					concat(jvm("4-bare-relay-b"), nodeJvm, List.of("-cp", classpath, relayMain), boot, nodeArgs,
							List.of("--server.port=" + bPort, "--relay.kind=bare", "--relay.role=out",
									"--relay.link-port=" + aPort)),
					logs, this.pidFile);
			systems.add(new SystemUnderTest("(4)", "bare relay", relayA, "/ws", relayB, "/ws", false,
					List.of(relayA, relayB)));
		}
		else {
			systems.add(SystemUnderTest.skipped("(4)", "bare relay"));
		}

		if (selected(5)) {
			int port = freePort();
			ServerProcess echo = ServerProcess.start("5-echo", port,
					concat(jvm("5-echo"), nodeJvm, List.of("-cp", classpath, relayMain), boot, nodeArgs,
							List.of("--server.port=" + port, "--relay.kind=echo", "--relay.role=both")),
					logs, this.pidFile);
			systems.add(new SystemUnderTest("(5)", "echo", echo, "/ws", echo, "/sub", false, List.of(echo)));
		}

		// generous: on a machine shared with other builds seven JVMs may take minutes to start
		long deadline = System.nanoTime() + seconds(300);
		for (SystemUnderTest system : systems) {
			if (system.unavailable != null) {
				continue;
			}
			for (ServerProcess process : system.processes) {
				try {
					process.awaitPort(deadline);
				}
				catch (IOException ex) {
					system.unavailable = ex.getMessage();
				}
			}
			if (system.unavailable == null) {
				system.unavailable = probeEndpoints(system);
			}
			log("%s %s: %s", system.label, system.name,
					system.unavailable == null ? "ready" : "not measured: " + system.unavailable);
		}
		log("servers started");
		return systems;
	}

	private boolean selected(int system) {
		String systems = this.options.getOrDefault("systems", "1,2,3,4");
		return List.of(systems.split(",")).contains(Integer.toString(system));
	}

	/**
	 * The command line of a server JVM; with {@code --jfr} each records a profile, written
	 * when the process stops.
	 */
	/**
	 * JVM options of the heap settings the idle figures are read with: G1 keeps up to 70%
	 * of the heap free and committed after a full collection by default, so that RSS would
	 * count that slack, or hide connections in pages that start-up touched and freed. With
	 * these, the full collection before each reading returns free heap to the system and
	 * RSS counts the heap the connections hold plus their native memory.
	 */
	static final List<String> IDLE_HEAP_OPTIONS = List.of("-XX:MinHeapFreeRatio=0", "-XX:MaxHeapFreeRatio=10");

	private List<String> idleJvm(String name) throws IOException {
		return concat(jvm(name), IDLE_HEAP_OPTIONS);
	}

	private List<String> jvm(String name) throws IOException {
		List<String> jvm = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx1g", "-XX:+UseG1GC"));
		if (this.options.containsKey("jfr")) {
			Path dir = this.work.resolve("jfr");
			Files.createDirectories(dir);
			jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + dir.resolve(name + ".jfr"));
		}
		return jvm;
	}

	/**
	 * A system whose endpoint does not upgrade (for instance a node built before the WAMP
	 * server existed) is reported as not measured instead of failing the run.
	 */
	private String probeEndpoints(SystemUnderTest system) {
		try {
			RawWebSocket.open(system.publisherPort, system.publisherPath, system.subprotocol(), 5000).close();
			RawWebSocket.open(system.subscriberPort, system.subscriberPath, system.subprotocol(), 5000).close();
			return null;
		}
		catch (IOException ex) {
			return ex.getMessage();
		}
	}

	private Trial openTrial(SystemUnderTest system, Config config) throws IOException, InterruptedException {
		String topic = "bench.t" + (++this.trialNumber);
		Trial trial = new Trial();
		try {
			openTrial(trial, system, config, topic);
			return trial;
		}
		catch (IOException | RuntimeException ex) {
			trial.close();
			throw ex;
		}
	}

	private void openTrial(Trial trial, SystemUnderTest system, Config config, String topic)
			throws IOException, InterruptedException {
		long start = Clock.now();
		if (system.wamp && this.options.containsKey("wamp2")) {
			openWamp2Trial(trial, system, config, topic);
			awaitSubscriptions(trial, start);
			return;
		}
		List<RawWebSocket> connections = new ArrayList<>();
		try {
			for (int i = 0; i < config.k; i++) {
				RawWebSocket ws = RawWebSocket.open(system.subscriberPort, system.subscriberPath, system.subprotocol(),
						5000);
				connections.add(ws);
				if (system.wamp) {
					ws.sendText("[5,\"" + topic + "\"]");
				}
			}
		}
		catch (IOException ex) {
			connections.forEach(RawWebSocket::close);
			throw ex;
		}
		trial.subscribers = new Subscribers(connections);
		trial.publisherConnection = RawWebSocket.open(system.publisherPort, system.publisherPath, system.subprotocol(),
				5000);
		trial.publisher = new Publisher(trial.publisherConnection, topic, config.payload);
		awaitSubscriptions(trial, start);
	}

	/** {@code --wamp2}: the same trial with WAMP v2 clients ({@link Wamp2Clients}). */
	private static void openWamp2Trial(Trial trial, SystemUnderTest system, Config config, String topic)
			throws IOException {
		List<RawWebSocket> connections = new ArrayList<>();
		try {
			for (int i = 0; i < config.k; i++) {
				connections.add(Wamp2Clients.subscriber(system.subscriberPort, system.subscriberPath, topic));
			}
		}
		catch (IOException ex) {
			connections.forEach(RawWebSocket::close);
			throw ex;
		}
		trial.subscribers = new Subscribers(connections);
		trial.publisherConnection = Wamp2Clients.join(system.publisherPort, system.publisherPath);
		trial.publisher = Wamp2Clients.publisher(trial.publisherConnection, topic, config.payload);
	}

	private void awaitSubscriptions(Trial trial, long start) throws InterruptedException, IOException {
		// publish probes until every subscriber has one: subscriptions (and, across the hop,
		// the cluster link and its 201) are then in place
		long deadline = Clock.now() + seconds(30);
		while (trial.subscribers.minimum() < 1) {
			if (Clock.now() > deadline || trial.subscribers.failure() != null) {
				trial.error = trial.subscribers.failure() != null ? trial.subscribers.failure()
						: "subscribers received nothing within 30 s";
				return;
			}
			trial.publisher.publishOne(deadline);
			Thread.sleep(20);
		}
		trial.setupSeconds = (Clock.now() - start) / 1e9;
		Thread.sleep(200);
		trial.baseline = trial.publisher.published() - trial.subscribers.minimum();
	}

	private static double cpu(SystemUnderTest system) throws IOException {
		double sum = 0;
		for (ServerProcess process : system.processes) {
			sum += process.cpuSeconds();
		}
		return sum;
	}

	private static double selfCpu() {
		return ProcessHandle.current().info().totalCpuDuration().map((d) -> d.toNanos() / 1e9).orElse(Double.NaN);
	}

	/**
	 * What an idle connection costs the node that holds it, first without and then with
	 * permessage-deflate offered as browsers offer it: N connections are opened (for WAMP,
	 * each waits for its WELCOME, inflated if it came compressed), then used heap after
	 * full collections and RSS are read; the difference to the reading before, divided by
	 * N. The second batch is opened while the first stays open, so neither reuses memory
	 * the other freed and RSS only counts what each batch added. A smaller batch of each
	 * kind is opened and closed before the first reading, so that what the first
	 * connections of a kind cost once per process (classes loaded, code compiled, worker
	 * threads started) is not charged to the batch.
	 */
	private List<IdleCost> idleCosts(IdleNode node, int connections) throws InterruptedException {
		List<IdleCost> costs = new ArrayList<>();
		List<RawWebSocket> idle = new ArrayList<>(2 * connections);
		IdleCost cost = null;
		try {
			node.process.awaitPort(System.nanoTime() + seconds(120));
			for (boolean offer : List.of(false, true)) {
				for (int i = 0; i < Math.min(200, connections); i++) {
					RawWebSocket ws = RawWebSocket.open(node.process.port, node.path, node.wamp ? "wamp" : null, 5000,
							offer);
					idle.add(ws);
					if (node.wamp) {
						ws.awaitFirstText(5000);
					}
				}
			}
			idle.forEach(RawWebSocket::close);
			idle.clear();
			Thread.sleep(500);
			long heap0 = node.process.usedHeapAfterGc();
			long rss0 = rssAfterUncommit(node.process);
			for (boolean offer : List.of(false, true)) {
				cost = new IdleCost(node, offer);
				costs.add(cost);
				long deadline = System.nanoTime() + seconds(this.shortMode ? 30 : 150);
				for (int i = 0; i < connections && System.nanoTime() < deadline; i++) {
					RawWebSocket ws = RawWebSocket.open(node.process.port, node.path, node.wamp ? "wamp" : null, 5000,
							offer);
					idle.add(ws);
					if (ws.deflate()) {
						cost.accepted++;
					}
					if (node.wamp) {
						String welcome = ws.awaitFirstText(5000);
						if (!welcome.startsWith("[0,")) {
							throw new IOException("expected a WELCOME, got "
									+ welcome.substring(0, Math.min(40, welcome.length())));
						}
						if (ws.compressedMessages() > 0) {
							cost.compressedWelcomes++;
						}
						if (this.options.containsKey("idle-subscribed")) {
							// a session that has received one message
							ws.sendText("[5,\"idle\"]");
						}
					}
					cost.connections++;
				}
				Thread.sleep(500);
				long heap1 = node.process.usedHeapAfterGc();
				long rss1 = rssAfterUncommit(node.process);
				cost.heap = (heap1 - heap0) / (double) cost.connections;
				cost.rss = (rss1 - rss0) / (double) cost.connections;
				log("%s %s, deflate offered %s (accepted by %,d, %,d WELCOMEs compressed): %.1f KB heap, %.1f KB RSS"
						+ " per idle connection (%,d connections; heap %,d -> %,d KB, RSS %,d -> %,d KB)", node.label,
						node.description, offer ? "yes" : "no", cost.accepted, cost.compressedWelcomes, cost.heap / 1024,
						cost.rss / 1024, cost.connections, heap0 / 1024, heap1 / 1024, rss0 / 1024, rss1 / 1024);
				heap0 = heap1;
				rss0 = rss1;
			}
		}
		catch (IOException ex) {
			String why = "failed after " + idle.size() + " connections: " + ex.getMessage();
			log("%s idle cost %s", node.label, why);
			if (cost == null) {
				cost = new IdleCost(node, false);
				costs.add(cost);
			}
			cost.error = why;
		}
		finally {
			idle.forEach(RawWebSocket::close);
			if (node.stopAfter) {
				node.process.stop();
			}
		}
		return costs;
	}

	/** RSS read once G1 had time to give back what the full collection left free (it does so concurrently). */
	private static long rssAfterUncommit(ServerProcess process) throws IOException, InterruptedException {
		Thread.sleep(1000);
		return process.rssBytes();
	}

	private String required(String name) {
		String value = this.options.get(name);
		if (value == null) {
			throw new IllegalArgumentException("missing --" + name);
		}
		return value;
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress("127.0.0.1", 0));
			return socket.getLocalPort();
		}
	}

	@SafeVarargs
	static List<String> concat(List<String>... parts) {
		List<String> all = new ArrayList<>();
		for (List<String> part : parts) {
			all.addAll(part);
		}
		return all;
	}

	private static long seconds(double seconds) {
		return (long) (seconds * 1e9);
	}

	record Config(int payload, int k) {

		/** {@code 100x1,4096x100}: payload in bytes times K, comma-separated. */
		static List<Config> parse(String configs) {
			return java.util.Arrays.stream(configs.split(","))
				.map((config) -> config.trim().split("x"))
				.map((parts) -> new Config(Integer.parseInt(parts[0]), Integer.parseInt(parts[1])))
				.toList();
		}

		@Override
		public String toString() {
			return (this.payload < 1024 ? this.payload + " B" : (this.payload / 1024) + " KB") + " K=" + this.k;
		}

	}

	static final class Result {

		double delivered;

		/** Delivered events/s of each measured round, for the spread between rounds. */
		final List<Double> roundRates = new ArrayList<>();

		/** Server CPU µs per delivery of each measured round. */
		final List<Double> roundCpu = new ArrayList<>();

		/** What the row's warm-up found, and how long it took. */
		String settleNote = "";

		double settleSeconds = Double.NaN;

		/** How long connecting and subscribing the K subscribers took. */
		double setupSeconds = Double.NaN;

		/** Subscriber sessions the server closed during the row (any phase). */
		int cut;

		/** Of those, the ones closed during the flow-controlled throughput rounds. */
		int cutSaturated;

		/** Turns after which the subscribers had not caught up within the 5 s drain. */
		int drainTimeouts;

		/** Events a session received with a sequence number not above its last one. */
		long outOfOrder;

		/** Events a session never received between two it did. */
		long gaps;

		String cutCodes = "";

		double cpuPerMillion = Double.NaN;

		double offered;

		long p50 = -1;

		long p99 = -1;

		long p999 = -1;

		/** Deliveries the latency rounds should have seen: events published times K. */
		long expectedSamples;

		/** Of those, how many never arrived within the drain: no latency stands for them. */
		long lost;

		String error;

		String latencyError;

	}

	/**
	 * A node whose idle connections are measured.
	 * @param stopAfter whether to stop it once measured (an idle-only node)
	 */
	record IdleNode(String label, String description, ServerProcess process, String path, boolean wamp,
			boolean afterLoad, boolean stopAfter) {
	}

	/** What one batch of idle connections cost. */
	static final class IdleCost {

		final IdleNode node;

		final boolean deflateOffered;

		int connections;

		/** Connections whose 101 accepted permessage-deflate. */
		int accepted;

		int compressedWelcomes;

		double heap = Double.NaN;

		double rss = Double.NaN;

		String error;

		IdleCost(IdleNode node, boolean deflateOffered) {
			this.node = node;
			this.deflateOffered = deflateOffered;
		}

	}

	private static final class Trial implements AutoCloseable {

		Subscribers subscribers;

		RawWebSocket publisherConnection;

		Publisher publisher;

		long baseline;

		double setupSeconds;

		String error;

		/** Drains that ended with some subscriber still behind: the next turn overlapped this backlog. */
		int drainTimeouts;

		/** Wait, bounded, until every subscriber has what was published. */
		void drain(long timeoutNanos) throws InterruptedException {
			long deadline = Clock.now() + timeoutNanos;
			while (this.publisher.published() - this.baseline > this.subscribers.minimum() && Clock.now() < deadline
					&& this.subscribers.failure() == null) {
				Thread.sleep(5);
			}
			if (this.publisher.published() - this.baseline > this.subscribers.minimum()
					&& this.subscribers.failure() == null) {
				this.drainTimeouts++;
			}
		}

		@Override
		public void close() throws IOException {
			if (this.publisherConnection != null) {
				this.publisherConnection.close();
			}
			if (this.subscribers != null) {
				this.subscribers.close();
			}
		}

	}

}
