#!/usr/bin/env bash
# End-to-end benchmark through Kafka: starts the packaged service (embedded broker) once per
# configuration - engine echo (no model: the service's own cost) and llava (the built-in shapes-vqa
# model), max batch size 1 and 8 - and drives it with dev.vscan.bench.EndToEndBenchmark.
# Usage: bench/e2e.sh [--warmup 500] [--paced 200] [--rate 20] [--burst 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
./mvnw -q -B package -DskipTests
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
work=$(mktemp -d)
trap 'kill "${app:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

echo "| configuration | overhead p50 ms | overhead p99 ms | engine ms (mean) | in-service ms (mean) | requests/s (burst) |"
echo "|---|---|---|---|---|---|"
for engine in echo llava; do
  for batch in 1 8; do
    kafka_port=$(free_port); http_port=$(free_port)
    java -Xmx2g -Dvscan.model.engine=$engine -Dvscan.batch.max-size=$batch -Dvscan.batch.max-running=$batch -Dvscan.batch.queue-capacity=256 \
      -Dvscan.kafka.embedded-port="$kafka_port" -Dquarkus.http.port="$http_port" \
      -Dvscan.data-dir="$work/data-$engine-$batch" -Dquarkus.log.level=WARN \
      -jar target/quarkus-app/quarkus-run.jar > "$work/app.log" 2>&1 &
    app=$!
    ready=no
    for _ in $(seq 1 240); do
      if curl -sf "http://127.0.0.1:$http_port/q/health/ready" >/dev/null 2>&1; then ready=yes; break; fi
      sleep 0.5
    done
    [ "$ready" = yes ] || { echo "service ($engine, batch $batch) not ready:" >&2; tail -20 "$work/app.log" >&2; exit 1; }
    java -Xmx1g -cp "$cp" dev.vscan.bench.EndToEndBenchmark --bootstrap "127.0.0.1:$kafka_port" \
      --label "$engine, max batch $batch" "$@" 2>"$work/bench.err" || { tail -20 "$work/bench.err" "$work/app.log" >&2; exit 1; }
    kill "$app"; wait "$app" 2>/dev/null || true
  done
done
