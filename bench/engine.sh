#!/usr/bin/env bash
# Engine benchmark: prefill time and decode throughput of a generated checkpoint at several batch
# sizes. Usage: bench/engine.sh [--preset small] [--batches 1,4] [--iterations 5] [--new-tokens 16]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.vscan.bench.EngineBenchmark -Dexec.args="$*"
