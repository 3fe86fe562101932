#!/usr/bin/env bash
# The end-to-end benchmark: builds the jars, starts every server on 127.0.0.1 (one PubSubClub
# node, a two-node cluster, redis-server and two Redis relays, two bare relays), measures them
# with the load program, prints one table, and stops everything it started.
#
#   benchmarks/run.sh [--short|--long] [--no-build] [--idle N] [--systems 1,2,3,4[,5]] [--jfr]
#                      [--heap-only] [--idle-subscribed] [--consumer-serves] [--compression-node] [--jdk-client]
#                      [--configs 100x100,100x1000] [--offered EVENTS_PER_S] [--sample-app JAR]
#                      [--server-opts "-Dx=y --spring.prop=v"]  # extra options for every server JVM
#                      [--wamp2]  # WAMP v2 clients (wamp.2.json) on (1) and (2) instead of v1
#   benchmarks/run.sh --backplane [--nodes 2,4] [--backplanes mesh,pubsub,...] [--offered 1000,100]
#                      # mesh vs Redis (pubsub, sharded on a 3-master Redis Cluster), history on/off
#   benchmarks/run.sh --jmh [JMH ARGS...]     # the JMH benchmarks instead
#
# --short (the default) ends within about 3 minutes once built; --long takes about 10.
# The cluster hop runs in the default layout (the producer serves, the consumer dials);
# --consumer-serves turns it round (the consumer serves, the producer dials).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/benchmarks/target/run"
mode=--short
build=true
jmh=false
extra=()
while [[ $# -gt 0 ]]; do
	case "$1" in
		--short|--long) mode=$1 ;;
		--no-build) build=false ;;
		--idle) extra+=(--idle "$2"); shift ;;
		--systems) extra+=(--systems "$2"); shift ;;
		--configs) extra+=(--configs "$2"); shift ;;   # payload x K, e.g. 100x100,100x1000
		--sample-app) sample_app="$2"; shift ;;        # another build's jar, to compare old and new
		--jfr) extra+=(--jfr) ;;
		--heap-only) extra+=(--heap-only) ;;
		--consumer-serves) extra+=(--consumer-serves) ;;
		--idle-subscribed) extra+=(--idle-subscribed) ;;
		--jdk-client) extra+=(--jdk-client) ;;               # latency rows also with the JDK's WebSocket client
		--compression-node) extra+=(--compression-node) ;;  # idle figures also for a node with compression on
		--offered) extra+=(--offered "$2"); shift ;;          # latency rows at this publish rate
		--latency-trace) extra+=(--latency-trace "$2"); shift ;;   # every latency sample (due, arrived; System.nanoTime) to DIR/ROW.tsv
		--server-opts) extra+=(--server-opts "$2"); shift ;;
		--wamp2) extra+=(--wamp2) ;;   # the WAMP systems' clients speak WAMP v2 (wamp.2.json)
		--backplane) extra+=(--backplane) ;;                  # mesh vs Redis pubsub/sharded (BackplaneRun)
		--nodes) extra+=(--nodes "$2"); shift ;;              # with --backplane: node counts, e.g. 2,4
		--backplanes) extra+=(--backplanes "$2"); shift ;;    # with --backplane: mesh,pubsub,pubsub-nohist,sharded,sharded-nohist
		--jmh) jmh=true; shift; break ;;
		*) echo "unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

if $build; then
	echo "building: ./mvnw -B -q -DskipTests package" >&2
	# without this, a change in the starter alone leaves the old sample-app jar in place:
	# the jar plugin keeps a thin jar whose own classes did not change, and Boot's
	# repackage skips a jar that is already repackaged
	rm -f "$root"/sample-app/target/sample-app-*.jar "$root"/sample-app/target/sample-app-*.jar.original
	./mvnw -B -q -DskipTests package
fi
classpath="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"

if $jmh; then
	exec java -cp "$classpath" org.openjdk.jmh.Main "$@"
fi

if ! command -v redis-server >/dev/null 2>&1; then
	echo "installing redis-server" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq redis-server >/dev/null
fi
# the installed service is not used: the harness starts its own on a free port
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now redis-server >/dev/null 2>&1 || true; fi

# N idle connections need N descriptors in the load program and in the server
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

mkdir -p "$work"
rm -f "$work/pids"
stop() {
	# every process the load program started, by pid, then the load program itself
	if [[ -n "${load_pid:-}" ]]; then kill "$load_pid" 2>/dev/null || true; fi
	if [[ -f "$work/pids" ]]; then
		while read -r pid; do kill "$pid" 2>/dev/null || true; done <"$work/pids"
		sleep 1
		while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
	fi
}
trap stop EXIT INT TERM

printf '%s\n' "$classpath" >"$work/classpath"
java -Xmx2g -cp "$classpath" io.pubsubclub.benchmarks.load.LoadMain "$mode" \
	--sample-app "${sample_app:-$root/sample-app/target/sample-app-0.1.0-SNAPSHOT.jar}" \
	--classpath "$work/classpath" \
	--redis-server "$(command -v redis-server)" \
	--work "$work" "${extra[@]}" &
load_pid=$!
wait "$load_pid"
