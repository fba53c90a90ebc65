#!/usr/bin/env bash
# Overload benchmark: starts the packaged service (built-in model, embedded broker, its own ports and
# data directory, a fixed heap) and drives it with dev.vscan.bench.OverloadBenchmark: measure the
# sustainable rate R, offer 5 x R over HTTP (429s expected), wait for every accepted request's answer,
# then produce 5 x R straight to Kafka (no 429 possible: consumption pauses, the lag grows and drains).
# The service's RSS and the workers' lag are sampled every second. About 5 to 8 minutes on 2 cores.
# --max-backlog sets vscan.ingest.max-backlog (service default 1000): 200 here, so that shedding starts
# within the 60 s even where R is a few requests per second.
# Usage: bench/overload.sh [--heap 1g] [--max-backlog 200] [--factor 5] [--warmup-seconds 15] [--rate-seconds 20]
#        [--http-seconds 60] [--kafka-seconds 30] [--clients 32] [--max-new-tokens 4]
#        [--catch-up-timeout 300] [--stall-seconds 30]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
heap=1g
max_backlog=200
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --heap) heap=$2; shift 2 ;;
    --max-backlog) max_backlog=$2; shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
log=target/overload-service.log
trap 'kill "${app:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

kafka_port=$(free_port); http_port=$(free_port)
# A fixed heap touched up front (as in memory.sh), so that RSS growth is native memory, not heap sizing;
# NMT lets the driver tell the JVM's share from the native libraries'.
jvm="-Xms$heap -Xmx$heap -XX:+AlwaysPreTouch -XX:NativeMemoryTracking=summary -Dvscan.ingest.max-backlog=$max_backlog"
# shellcheck disable=SC2086
java $jvm -Dvscan.kafka.embedded-port="$kafka_port" -Dquarkus.http.port="$http_port" \
  -Dvscan.data-dir="$work/data" -Dquarkus.log.level=WARN \
  -jar target/quarkus-app/quarkus-run.jar > "$log" 2>&1 &
app=$!
ready=no
for _ in $(seq 1 240); do
  if curl -sf "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
  sleep 0.5
done
[ "$ready" = yes ] || { echo "service not ready:" >&2; tail -20 "$log" >&2; exit 1; }
java -Xmx512m -cp "$cp" dev.vscan.bench.OverloadBenchmark --http "http://127.0.0.1:$http_port" \
  --bootstrap "127.0.0.1:$kafka_port" --pid "$app" --jvm "$jvm (defaults otherwise)" "${args[@]}" \
  || { tail -20 "$log" >&2; exit 1; }
kill "$app"; wait "$app" 2>/dev/null || true
echo "Service log: $log"
