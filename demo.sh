#!/usr/bin/env bash
# Runs the demo: a two-node PubSubClub cluster on this machine, both nodes from the sample
# app's jar, each pointing at the other. Ctrl-C stops both.
#
#   ./demo.sh           build if needed, start node A and node B, print the URLs, wait
#   ./demo.sh --check   the same, then stop both and exit 0 once both are up (for CI;
#                       .ci/demo-failure checks the failure path)
#   ./demo.sh --redis   the two nodes through a Redis backplane instead of the mesh: starts
#                       Debian's redis-server (installed if missing) on a free port
#                       (REDIS_PORT to choose it); combines with --check
#
# Ports (environment): NODE_A_HTTP_PORT=8081 NODE_A_CLUSTER_PORT=19001
#                      NODE_B_HTTP_PORT=8082 NODE_B_CLUSTER_PORT=19002
# Also: DEMO_ADDRESS=127.0.0.1 (where both nodes listen), DEMO_START_TIMEOUT=120 (seconds),
#       JAVA_HOME or JAVA (the java to run), JAVA_OPTS (extra JVM options for both nodes).
set -euo pipefail
cd "$(dirname "$0")"

check_only=false
redis=false
for arg in "$@"; do
	case "$arg" in
		--check) check_only=true ;;
		--redis) redis=true ;;
		-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "usage: $0 [--check] [--redis]" >&2; exit 2 ;;
	esac
done

a_http=${NODE_A_HTTP_PORT:-8081}
a_cluster=${NODE_A_CLUSTER_PORT:-19001}
b_http=${NODE_B_HTTP_PORT:-8082}
b_cluster=${NODE_B_CLUSTER_PORT:-19002}
address=${DEMO_ADDRESS:-127.0.0.1}
start_timeout=${DEMO_START_TIMEOUT:-120}
jar=sample-app/target/sample-app-0.1.0-SNAPSHOT.jar
logs=sample-app/target/demo

if [[ -n "${JAVA:-}" ]]; then
	java=$JAVA
elif [[ -n "${JAVA_HOME:-}" ]]; then
	java=$JAVA_HOME/bin/java
else
	java=java
fi
if ! command -v "$java" >/dev/null 2>&1; then
	echo "demo: no java found (set JAVA_HOME or put Java 17+ on the PATH)" >&2
	exit 1
fi

# --- build when the jar is missing or older than any source -----------------------------------
stale() {
	[[ ! -f $jar ]] && return 0
	[[ -n "$(find pom.xml .mvn ./*/pom.xml ./*/src/main sample-app/package.json sample-app/package-lock.json \
		-newer "$jar" -type f -print -quit 2>/dev/null)" ]]
}
if stale; then
	# the sample's build runs npm ci for the demo page's Autobahn|JS (sample-app/package-lock.json)
	if ! command -v npm >/dev/null 2>&1; then
		echo "demo: the build needs npm (for the demo page's Autobahn|JS): sudo apt-get install -y npm" >&2
		exit 1
	fi
	echo "demo: building the sample app (./mvnw -B -q -DskipTests package -pl sample-app -am) ..."
	./mvnw -B -q -DskipTests package -pl sample-app -am
fi

# --- ports --------------------------------------------------------------------------------------
# bash's /dev/tcp stands in for curl, which a fresh machine may not have
port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}
for entry in "NODE_A_HTTP_PORT:$a_http" "NODE_A_CLUSTER_PORT:$a_cluster" "NODE_B_HTTP_PORT:$b_http" \
		"NODE_B_CLUSTER_PORT:$b_cluster"; do
	name=${entry%%:*}
	port=${entry#*:}
	if port_open "$address" "$port"; then
		echo "demo: port $port is already in use on $address: stop what listens there or set $name" >&2
		exit 1
	fi
done

# --- the Redis backplane (--redis): Debian's redis-server on a free port ---------------------------
redis_pid=
redis_port=
if $redis; then
	if ! command -v redis-server >/dev/null 2>&1; then
		echo "demo: installing redis-server" >&2
		if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo -n); fi
		DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq redis-server >/dev/null \
			|| { echo "demo: cannot install redis-server: apt-get install -y redis-server" >&2; exit 1; }
	fi
	redis_port=${REDIS_PORT:-6390}
	while [[ -z ${REDIS_PORT:-} ]] && port_open "$address" "$redis_port"; do
		redis_port=$((redis_port + 1))
	done
	mkdir -p "$logs/redis"
	# absolute: redis-server changes to --dir before it opens the log file
	redis-server --port "$redis_port" --bind "$address" --dir "$PWD/$logs/redis" --save "" --appendonly no \
		--daemonize no --logfile "$PWD/$logs/redis.log" &
	redis_pid=$!
	until port_open "$address" "$redis_port"; do
		if ! kill -0 "$redis_pid" 2>/dev/null; then
			echo "demo: redis-server did not start; the end of $logs/redis.log:" >&2
			tail -n 20 "$logs/redis.log" >&2 || true
			exit 1
		fi
		sleep 0.2
	done
fi

# --- start both nodes; stop both on exit --------------------------------------------------------
a_pid=
b_pid=
stop_nodes() {
	trap - EXIT INT TERM
	local pids=()
	[[ -n $a_pid ]] && pids+=("$a_pid")
	[[ -n $b_pid ]] && pids+=("$b_pid")
	if [[ -n $redis_pid ]]; then
		kill "$redis_pid" 2>/dev/null || true
	fi
	if ((${#pids[@]} > 0)); then
		echo
		echo "demo: stopping node A and node B ..."
		kill "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
trap stop_nodes EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The WAMP endpoint and the cluster view are read cross-origin by the other node's page:
# allow exactly the two demo origins, never "*" outside a demo.
origins="http://$address:$a_http,http://$address:$b_http"
if [[ $address == 127.0.0.1 ]]; then
	origins="$origins,http://localhost:$a_http,http://localhost:$b_http"
fi

start_node() { # name http-port cluster-port peer-cluster-port log
	local between=(--pubsubclub.producer.enabled=true --pubsubclub.consumer.enabled=true
		--pubsubclub.server.address="$address" --pubsubclub.server.port="$3" --pubsubclub.peers="$address:$4")
	if $redis; then
		between=(--spring.profiles.active=redis --spring.data.redis.host="$address"
			--spring.data.redis.port="$redis_port")
	fi
	# shellcheck disable=SC2086
	"$java" ${JAVA_OPTS:-} -jar "$jar" \
		--spring.application.name="pubsubclub-demo-$1" \
		--server.address="$address" \
		--server.port="$2" \
		"${between[@]}" \
		--pubsubclub.wamp.allowed-origins="$origins" \
		--management.endpoints.web.exposure.include=health,pubsubclub \
		--management.endpoints.web.cors.allowed-origins="$origins" \
		--management.endpoints.web.cors.allowed-methods=GET \
		>"$5" 2>&1 &
}
# one name per node for its log, used both to write it and to show it when the node fails
a_log=$logs/node-a.log
b_log=$logs/node-b.log
mkdir -p "$logs"
start_node a "$a_http" "$a_cluster" "$b_cluster" "$a_log"
a_pid=$!
start_node b "$b_http" "$b_cluster" "$a_cluster" "$b_log"
b_pid=$!
if $redis; then
	echo "demo: starting node A (http $a_http) and node B (http $b_http) through redis-server on port" \
		"$redis_port; logs in $logs/"
else
	echo "demo: starting node A (http $a_http, cluster $a_cluster) and node B (http $b_http, cluster $b_cluster);" \
		"logs in $logs/"
fi

http_get() { # port path: prints the whole response, fails when nothing answers
	(
		exec 2>/dev/null
		exec 3<>"/dev/tcp/$address/$1" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s:%s\r\nAccept: application/json, text/html\r\n\r\n' "$2" "$address" "$1" >&3
		while IFS= read -r -t 5 line <&3 || [[ -n $line ]]; do
			printf '%s\n' "$line"
			line=
		done
	)
}
healthy() { # port
	local response
	response=$(http_get "$1" /actuator/health) || return 1
	[[ $response == "HTTP/1."?" 200"* && $response == *'"status":"UP"'* ]]
}
show_log() { # log: its end on stderr, stack frames left out, so that a failed start explains itself
	if [[ -s $1 ]]; then
		grep -Ev $'^[ \t]+(at |\.\.\. [0-9]+ (more|common frames omitted))' "$1" | tail -n 30 >&2
	else
		echo "demo: (the node wrote nothing to $1)" >&2
	fi
}
wait_until_up() { # name pid port log
	local deadline=$((SECONDS + start_timeout))
	until healthy "$3"; do
		if ! kill -0 "$2" 2>/dev/null; then
			echo "demo: node $1 exited while starting; the end of $4:" >&2
			show_log "$4"
			exit 1
		fi
		if ((SECONDS >= deadline)); then
			echo "demo: node $1 is not up after ${start_timeout}s; the end of $4:" >&2
			show_log "$4"
			exit 1
		fi
		sleep 0.5
	done
}
wait_until_up A "$a_pid" "$a_http" "$a_log"
wait_until_up B "$b_pid" "$b_http" "$b_log"

cat <<EOF

PubSubClub demo is up. Open:
  node A: http://$address:$a_http/?other=http://$address:$b_http
  node B: http://$address:$b_http/?other=http://$address:$a_http
Subscribe on one page, publish on the other. Each page's WAMP v2 client (Autobahn|JS)
connects to the other node: publish with either client, the other one gets it.
Ctrl-C stops both nodes.

EOF

if $check_only; then
	for port in "$a_http" "$b_http"; do
		page=$(http_get "$port" /) || true
		if [[ $page != "HTTP/1."?" 200"* || $page != *"<title>PubSubClub demo</title>"* ]]; then
			echo "demo: http://$address:$port/ does not serve the demo page" >&2
			exit 1
		fi
		# the status line of a HEAD: the page's v2 client is there (reading 350 kB through bash is slow)
		script=$(exec 2>/dev/null 3<>"/dev/tcp/$address/$port" \
			&& printf 'HEAD /vendor/autobahn-browser/autobahn.min.js HTTP/1.0\r\nHost: %s:%s\r\n\r\n' "$address" "$port" >&3 \
			&& IFS= read -r -t 5 status <&3 && printf '%s' "$status") || true
		if [[ $script != "HTTP/1."?" 200"* ]]; then
			echo "demo: http://$address:$port/ does not serve Autobahn|JS (vendor/autobahn-browser/autobahn.min.js)" >&2
			exit 1
		fi
	done
	echo "demo: both nodes are up and serve the page"
	exit 0
fi
# until either node exits; the EXIT trap stops the other
while kill -0 "$a_pid" 2>/dev/null && kill -0 "$b_pid" 2>/dev/null; do
	sleep 1
done
if kill -0 "$a_pid" 2>/dev/null; then
	echo "demo: node B exited; the end of $b_log:" >&2
	show_log "$b_log"
else
	echo "demo: node A exited; the end of $a_log:" >&2
	show_log "$a_log"
fi
exit 1
