#!/usr/bin/env bash
# Throughput of the path: the service with engine echo (no model, so only its own cost) next to a bare
# Kafka round trip (producer -> topic A -> relay -> topic B -> consumer) of the same records on the
# same embedded broker, rounds alternating, driven by dev.vscan.bench.PathThroughputBenchmark.
# With --jfr FILE, one more service burst runs under JFR and dev.vscan.bench.JfrHotspots summarises it.
# Extra service flags (e.g. -Dvscan.batch.max-size=1) go in VSCAN_OPTS.
# Usage: bench/path.sh [--requests 2000] [--rounds 3] [--warmup-seconds 40] [--rate 0] [--jfr FILE [--profile-requests 10000]]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
jfr=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jfr) jfr=$(realpath -m "$2"); shift 2 ;;
    --requests|--rounds|--warmup-seconds|--rate|--profile-requests) args+=("$1" "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
trap 'kill "${app:-}" 2>/dev/null || true; wait "${app:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

kafka_port=$(free_port); http_port=$(free_port)
# Deep stacks: Quarkus, Mutiny and the schema library nest far below 64 frames, JFR's default.
profiling=()
[ -z "$jfr" ] || profiling=(-XX:FlightRecorderOptions:stackdepth=512)
# shellcheck disable=SC2086 # VSCAN_OPTS is a list of flags
java -Xmx2g "${profiling[@]}" -Dvscan.model.engine=echo \
  -Dvscan.kafka.embedded-port="$kafka_port" -Dquarkus.http.port="$http_port" \
  -Dvscan.data-dir="$work/data" -Dquarkus.log.level=WARN ${VSCAN_OPTS:-} \
  -jar target/quarkus-app/quarkus-run.jar > "$work/app.log" 2>&1 &
app=$!
ready=no
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.5
done
[ "$ready" = yes ] || { echo "service not ready:" >&2; tail -n 20 "$work/app.log" >&2; exit 1; }

[ -z "$jfr" ] || args+=(--profile-out "$jfr")
java -Xmx1g -cp "$cp" dev.vscan.bench.PathThroughputBenchmark --bootstrap "127.0.0.1:$kafka_port" \
  --service-pid "$app" "${args[@]}" \
  2>"$work/bench.err" || { tail -n 20 "$work/bench.err" "$work/app.log" >&2; exit 1; }
if [ -n "$jfr" ]; then
  echo
  java -cp "$cp" dev.vscan.bench.JfrHotspots "$jfr"
fi
