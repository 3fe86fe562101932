package io.pubsubclub.benchmarks.load;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pubsubclub.benchmarks.load.LoadMain.Config;
import io.pubsubclub.benchmarks.load.LoadMain.Result;

/**
 * The one table the load program prints (Markdown), and the targets checked against it.
 */
final class Report {

	private Report() {
	}

	static String table(List<SystemUnderTest> systems, List<Config> configs, Map<String, Result> results,
			Map<String, Double> heap, int idleConnections, boolean shortMode, Instant when, double runSeconds) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "PubSubClub benchmark, %s mode, %s, %d cores, run took %.0f s%n%n",
				shortMode ? "short" : "long",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(when),
				Runtime.getRuntime().availableProcessors(), runSeconds));
		out.append("| payload, K | system | delivered ev/s | ×(1) | ×(3) | p50 µs | p99 µs | p99.9 µs "
				+ "| p50 ×(1) | p50 ×(3) | CPU s / M ev | ×(1) | ×(3) | heap / idle conn |\n");
		out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Config config : configs) {
			Result one = results.get(systems.get(0).label + "/" + config);
			Result redis = results.get(systems.get(2).label + "/" + config);
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				out.append("| ").append(config).append(" | ").append(system.label).append(' ').append(system.name);
				if (r == null) {
					out.append(" | not measured").append(" |".repeat(12)).append('\n');
					continue;
				}
				if (r.error != null) {
					out.append(" | failed").append(" |".repeat(12)).append('\n');
					continue;
				}
				out.append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.delivered));
				out.append(" | ").append(ratio(r.delivered, one == null || one.error != null ? Double.NaN : one.delivered));
				out.append(" | ").append(ratio(r.delivered, redis == null || redis.error != null ? Double.NaN : redis.delivered));
				boolean latency = r.latencyError == null && r.p50 >= 0;
				out.append(" | ").append(latency ? micros(r.p50) : "failed");
				out.append(" | ").append(latency ? micros(r.p99) : "");
				out.append(" | ").append(latency ? micros(r.p999) : "");
				out.append(" | ").append(latency ? ratio(r.p50, p50(one)) : "");
				out.append(" | ").append(latency ? ratio(r.p50, p50(redis)) : "");
				out.append(" | ").append(String.format(Locale.ROOT, "%.1f", r.cpuPerMillion));
				out.append(" | ").append(ratio(r.cpuPerMillion, one == null ? Double.NaN : one.cpuPerMillion));
				out.append(" | ").append(ratio(r.cpuPerMillion, redis == null ? Double.NaN : redis.cpuPerMillion));
				Double bytes = heap.get(system.label);
				out.append(" | ").append(bytes == null || bytes.isNaN() ? "" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024));
				out.append(" |\n");
			}
		}
		out.append('\n');
		out.append("Latency is measured at a fixed offered load per row group: half the slowest system's saturation");
		out.append(" (published/s: ");
		boolean first = true;
		for (Config config : configs) {
			Result any = null;
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && r.offered > 0) {
					any = r;
				}
			}
			if (any != null) {
				out.append(first ? "" : ", ").append(config).append(" → ").append(String.format(Locale.ROOT, "%,.0f", any.offered));
				first = false;
			}
		}
		out.append(").\nHeap per idle connection: ").append(idleConnections);
		out.append(" idle connections to the node holding the subscribers, used heap after full GC (jcmd)");
		out.append(shortMode ? "; in short mode for the WAMP nodes only (the relays' figure is in the long mode).\n" : ".\n");
		out.append("Latency samples are stamped with the time each paced event was due (no coordinated omission)")
			.append(" and recorded through the drain; events that never arrived within 5 s of the end are losses: ");
		StringBuilder losses = new StringBuilder();
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && r.lost != 0) {
					losses.append(losses.isEmpty() ? "" : ", ").append(system.label).append(' ').append(config)
						.append(String.format(Locale.ROOT, " %,d of %,d", r.lost, r.expectedSamples));
				}
			}
		}
		out.append(losses.isEmpty() ? "none" : losses).append(".\n");
		for (SystemUnderTest system : systems) {
			if (system.unavailable != null) {
				out.append(system.label).append(' ').append(system.name).append(": not measured (")
					.append(system.unavailable).append(")\n");
			}
			for (Config config : configs) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && (r.error != null || r.latencyError != null)) {
					out.append(system.label).append(' ').append(config).append(": ")
						.append(r.error != null ? r.error : r.latencyError).append('\n');
				}
			}
		}
		out.append('\n').append(targets(systems, configs, results, heap));
		return out.toString();
	}

	private static String targets(List<SystemUnderTest> systems, List<Config> configs, Map<String, Result> results,
			Map<String, Double> heap) {
		StringBuilder out = new StringBuilder("Targets (cluster hop (2) against the others):\n");
		for (Config config : configs) {
			Result one = ok(results.get(systems.get(0).label + "/" + config));
			Result hop = ok(results.get(systems.get(1).label + "/" + config));
			Result redis = ok(results.get(systems.get(2).label + "/" + config));
			Result bare = ok(results.get(systems.get(3).label + "/" + config));
			out.append("- ").append(config).append(": ");
			if (hop == null) {
				out.append("(2) not measured\n");
				continue;
			}
			out.append(check("throughput (2)/(1)", one == null ? Double.NaN : hop.delivered / one.delivered, ">=", 0.8));
			out.append("; ").append(check("throughput (2)/(3)", redis == null ? Double.NaN : hop.delivered / redis.delivered, ">=", 2));
			out.append("; ").append(check("p50 (2)/(4)", bare == null || hop.p50 < 0 || bare.p50 <= 0 ? Double.NaN
					: (double) hop.p50 / bare.p50, "<=", 1.5));
			out.append('\n');
		}
		Double wamp = heap.get(systems.get(0).label);
		out.append("- ").append(check("heap per idle WAMP connection (1), KB",
				wamp == null ? Double.NaN : wamp / 1024, "<=", 20)).append('\n');
		Double compact = heap.get(LoadMain.COMPACT_LABEL);
		if (compact != null) {
			out.append("- ").append(check("heap per idle WAMP connection (1) with " + LoadMain.COMPACT_OPTION.substring(2)
					+ ", KB", compact / 1024, "<=", 20)).append('\n');
		}
		return out.toString();
	}

	private static Result ok(Result r) {
		return r == null || r.error != null ? null : r;
	}

	private static String check(String what, double value, String op, double target) {
		if (Double.isNaN(value)) {
			return what + " n/a";
		}
		boolean met = op.equals(">=") ? value >= target : value <= target;
		return String.format(Locale.ROOT, "%s = %.2f (target %s %s) %s", what, value, op, trim(target),
				met ? "met" : "MISSED");
	}

	private static String trim(double d) {
		return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
	}

	private static double p50(Result r) {
		return r == null || r.error != null || r.latencyError != null || r.p50 <= 0 ? Double.NaN : r.p50;
	}

	private static String ratio(double value, double base) {
		if (Double.isNaN(value) || Double.isNaN(base) || base == 0) {
			return "";
		}
		return String.format(Locale.ROOT, "%.2f", value / base);
	}

	private static String micros(long micros) {
		return micros >= 1_000_000 ? "≥1 s" : Long.toString(micros);
	}

}
