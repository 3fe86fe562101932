package io.pubsubclub.benchmarks.load;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.pubsubclub.benchmarks.load.LoadMain.Config;
import io.pubsubclub.benchmarks.load.LoadMain.IdleCost;
import io.pubsubclub.benchmarks.load.LoadMain.Result;

/**
 * The one table the load program prints (Markdown), and the targets checked against it.
 */
final class Report {

	private Report() {
	}

	static String table(List<SystemUnderTest> systems, List<Config> configs, Map<String, Result> results,
			List<IdleCost> idle, int idleConnections, boolean shortMode, String descriptors, Instant when,
			double runSeconds) {
		StringBuilder out = new StringBuilder();
		out.append(String.format(Locale.ROOT, "PubSubClub benchmark, %s mode, %s, %d cores, run took %.0f s%n%n",
				shortMode ? "short" : "long",
				DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(when),
				Runtime.getRuntime().availableProcessors(), runSeconds));
		if (!configs.isEmpty()) {
			throughputTable(out, systems, configs, results, idle);
		}
		idleTable(out, idle, idleConnections, shortMode);
		if (!configs.isEmpty()) {
			notes(out, systems, configs, results);
		}
		out.append(descriptors).append('\n');
		out.append('\n').append(targets(systems, configs, results, idle));
		return out.toString();
	}

	private static void throughputTable(StringBuilder out, List<SystemUnderTest> systems, List<Config> configs,
			Map<String, Result> results, List<IdleCost> idle) {
		out.append("| payload, K | system | delivered ev/s | spread | ×(1) | ×(3) | p50 µs | p99 µs | p99.9 µs "
				+ "| p50 ×(1) | p50 ×(3) | CPU µs / delivery | spread | ×(1) | ×(3) | cut sat. / paced | heap / idle conn |\n");
		out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Config config : configs) {
			Result one = results.get(systems.get(0).label + "/" + config);
			Result redis = results.get(systems.get(2).label + "/" + config);
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				out.append("| ").append(config).append(" | ").append(system.label).append(' ').append(system.name);
				if (r == null) {
					out.append(" | not measured").append(" |".repeat(15)).append('\n');
					continue;
				}
				if (r.error != null) {
					out.append(" | failed").append(" |".repeat(13));
					out.append(' ').append(cuts(r)).append(" |".repeat(2)).append('\n');
					continue;
				}
				out.append(" | ").append(String.format(Locale.ROOT, "%,.0f", r.delivered));
				out.append(" | ").append(spread(r.roundRates));
				out.append(" | ").append(ratio(r.delivered, one == null || one.error != null ? Double.NaN : one.delivered));
				out.append(" | ").append(ratio(r.delivered, redis == null || redis.error != null ? Double.NaN : redis.delivered));
				boolean latency = r.latencyError == null && r.p50 >= 0;
				out.append(" | ").append(latency ? micros(r.p50) : "failed");
				out.append(" | ").append(latency ? micros(r.p99) : "");
				out.append(" | ").append(latency ? micros(r.p999) : "");
				out.append(" | ").append(latency ? ratio(r.p50, p50(one)) : "");
				out.append(" | ").append(latency ? ratio(r.p50, p50(redis)) : "");
				out.append(" | ").append(String.format(Locale.ROOT, "%.2f", r.cpuPerMillion));
				out.append(" | ").append(spread(r.roundCpu));
				out.append(" | ").append(ratio(r.cpuPerMillion, one == null ? Double.NaN : one.cpuPerMillion));
				out.append(" | ").append(ratio(r.cpuPerMillion, redis == null ? Double.NaN : redis.cpuPerMillion));
				out.append(" | ").append(cuts(r));
				IdleCost plain = idleCost(idle, system.label.equals("(1)") ? "(1) default" : system.label, false);
				out.append(" | ").append(plain == null ? "" : kb(plain.heap));
				out.append(" |\n");
			}
		}
		out.append('\n');
	}

	private static void idleTable(StringBuilder out, List<IdleCost> idle, int idleConnections, boolean shortMode) {
		if (idle.isEmpty()) {
			return;
		}
		out.append("| idle connections to | node state | deflate offered | deflate accepted | connections "
				+ "| heap / idle conn | RSS / idle conn |\n");
		out.append("|---|---|---|--:|--:|--:|--:|\n");
		for (IdleCost cost : idle) {
			out.append("| ").append(cost.node.label()).append(' ').append(cost.node.description());
			out.append(" | ").append(cost.node.afterLoad() ? "after the load" : "fresh");
			out.append(" | ").append(cost.deflateOffered ? "yes" : "no");
			if (cost.error != null) {
				out.append(" | failed | | | |\n");
				continue;
			}
			out.append(" | ").append(String.format(Locale.ROOT, "%,d", cost.accepted));
			if (cost.compressedWelcomes > 0) {
				out.append(String.format(Locale.ROOT, " (%,d WELCOMEs compressed)", cost.compressedWelcomes));
			}
			out.append(" | ").append(String.format(Locale.ROOT, "%,d", cost.connections));
			out.append(" | ").append(kb(cost.heap));
			out.append(" | ").append(kb(cost.rss));
			out.append(" |\n");
		}
		out.append('\n');
		out.append("Idle connections: ").append(String.format(Locale.ROOT, "%,d", idleConnections))
			.append(" per batch to the node holding the subscribers (WAMP: each waits for its WELCOME), first a batch")
			.append(" that does not offer permessage-deflate, then, with it still open, a batch that offers it as")
			.append(" browsers do (`").append(RawWebSocket.DEFLATE_OFFER).append("`); per batch the used heap after")
			.append(" full GC (jcmd) and VmRSS (/proc/<pid>/status) minus the readings before it, divided by the")
			.append(" connections. Fresh nodes run with ").append(String.join(" ", LoadMain.IDLE_HEAP_OPTIONS))
			.append(" so that each full GC returns free heap to the system: RSS then counts the heap the connections")
			.append(" hold plus their native memory (zlib state, for one), not G1's slack. A node \"after the load\"")
			.append(" runs with G1's defaults: its RSS reuses pages the load touched and is a lower bound.");
		out.append(shortMode ? " In short mode for the WAMP nodes only (the relays' figures are in the long mode)." : "");
		out.append('\n');
		for (IdleCost cost : idle) {
			if (cost.error != null) {
				out.append(cost.node.label()).append(" deflate offered ").append(cost.deflateOffered ? "yes" : "no")
					.append(": ").append(cost.error).append('\n');
			}
		}
		out.append('\n');
	}

	private static void notes(StringBuilder out, List<SystemUnderTest> systems, List<Config> configs,
			Map<String, Result> results) {
		out.append("Warm-up, per system and payload, until two consecutive intervals agree within 10% in delivered")
			.append(" ev/s and in CPU per delivery:\n");
		for (SystemUnderTest system : systems) {
			if (!Double.isNaN(system.warmupSeconds)) {
				out.append(String.format(Locale.ROOT, "- %s %s: %.1f s; %s%n", system.label, system.name,
						system.warmupSeconds, system.warmupNote));
			}
		}
		out.append("Row warm-up, before each row's rounds, the same criterion (short cap):\n");
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && !r.settleNote.isEmpty()) {
					out.append(String.format(Locale.ROOT, "- %s %s: %s%n", system.label, config, r.settleNote));
				}
			}
		}
		out.append("Spread: (max − min) / mean over the measured rounds; CPU µs / delivery is server CPU (user +")
			.append(" system, all of the system's server processes) per event delivered to one subscriber.")
			.append(" cut sat. / paced: subscriber sessions the server closed during the row, under the flow-controlled")
			.append(" (saturating) load, where none may be cut, and under the paced load of the latency rounds, which")
			.append(" is not flow-controlled: there a session is cut if the load program falls behind by a send buffer.\n");
		out.append("Latency is measured at a fixed offered load per row group: half the slowest system's saturation")
			.append(" unless --offered was given (published/s: ");
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
		out.append(").\n");
		out.append("Subscriber set-up (connect, SUBSCRIBE, first event received by all): ");
		first = true;
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && !Double.isNaN(r.setupSeconds)) {
					out.append(first ? "" : ", ").append(system.label).append(' ').append(config)
						.append(String.format(Locale.ROOT, " %.1f s", r.setupSeconds));
					first = false;
				}
			}
		}
		out.append(".\n");
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
		StringBuilder cuts = new StringBuilder();
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && r.cut > 0) {
					cuts.append(cuts.isEmpty() ? "" : ", ").append(system.label).append(' ').append(config).append(' ')
						.append(r.cut).append(" (").append(r.cutCodes).append("; ").append(r.cutSaturated)
						.append(" under the flow-controlled load)");
				}
			}
		}
		out.append("Sessions cut by the server: ").append(cuts.isEmpty() ? "none" : cuts).append(".\n");
		StringBuilder order = new StringBuilder();
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && r.outOfOrder + r.gaps > 0) {
					order.append(order.isEmpty() ? "" : ", ").append(system.label).append(' ').append(config)
						.append(String.format(Locale.ROOT, " %,d out of order or twice, %,d missing", r.outOfOrder, r.gaps));
				}
			}
		}
		StringBuilder drains = new StringBuilder();
		for (Config config : configs) {
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				if (r != null && r.drainTimeouts > 0) {
					drains.append(drains.isEmpty() ? "" : ", ").append(system.label).append(' ').append(config)
						.append(' ').append(r.drainTimeouts);
				}
			}
		}
		out.append("Turns whose subscribers had not caught up 5 s after the publisher stopped (the backlog then ran")
			.append(" into the next system's turn): ").append(drains.isEmpty() ? "none" : drains).append(".\n");
		out.append("Order per session (each event's sequence number must be the last one + 1): ")
			.append(order.isEmpty() ? "kept in every row" : order).append(".\n");
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
	}

	private static String targets(List<SystemUnderTest> systems, List<Config> configs, Map<String, Result> results,
			List<IdleCost> idle) {
		StringBuilder out = new StringBuilder("Targets:\n");
		for (Config config : configs) {
			Result one = ok(results.get(systems.get(0).label + "/" + config));
			Result hop = ok(results.get(systems.get(1).label + "/" + config));
			Result redis = ok(results.get(systems.get(2).label + "/" + config));
			Result bare = ok(results.get(systems.get(3).label + "/" + config));
			out.append("- ").append(config).append(": ");
			if (hop == null) {
				out.append("(2) not measured");
			}
			else {
				out.append(check("throughput (2)/(1)", one == null ? Double.NaN : hop.delivered / one.delivered, ">=", 0.8));
				out.append("; ").append(check("throughput (2)/(3)", redis == null ? Double.NaN : hop.delivered / redis.delivered, ">=", 2));
				out.append("; ").append(check("p50 (2)/(4)", bare == null || hop.p50 < 0 || bare.p50 <= 0 ? Double.NaN
						: (double) hop.p50 / bare.p50, "<=", 1.5));
				if (config.payload() == 100 && config.k() == 100) {
					out.append("; ").append(check("CPU µs per delivery (2)", hop.cpuPerMillion, "<=", 1.8));
				}
			}
			int cut = 0;
			for (SystemUnderTest system : systems) {
				Result r = results.get(system.label + "/" + config);
				cut += r == null ? 0 : r.cutSaturated;
			}
			out.append("; ").append(check("sessions cut under the flow-controlled load, all systems", cut, "<=", 0))
				.append('\n');
		}
		for (IdleCost cost : idle) {
			if (cost.node.wamp() && cost.node.label().startsWith("(1)")) {
				out.append("- ").append(check("heap per idle WAMP connection " + cost.node.label() + ", deflate offered "
						+ (cost.deflateOffered ? "yes" : "no") + ", KB", cost.error != null ? Double.NaN : cost.heap / 1024,
						"<=", 20)).append('\n');
			}
		}
		return out.toString();
	}

	private static IdleCost idleCost(List<IdleCost> idle, String label, boolean deflateOffered) {
		for (IdleCost cost : idle) {
			if (cost.node.label().equals(label) && cost.deflateOffered == deflateOffered && cost.error == null) {
				return cost;
			}
		}
		return null;
	}

	private static String cuts(Result r) {
		return r.cutSaturated + " / " + (r.cut - r.cutSaturated);
	}

	private static String kb(double bytes) {
		return Double.isNaN(bytes) ? "" : String.format(Locale.ROOT, "%.1f KB", bytes / 1024);
	}

	private static String spread(List<Double> values) {
		if (values.size() < 2) {
			return "";
		}
		double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
		double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
		double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
		return mean == 0 ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * (max - min) / mean);
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
