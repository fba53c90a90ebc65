#!/usr/bin/env bash
# Serving benchmark: static (padded, and retiring) against continuous batching through the worker pool and a running batch,
# one mixed workload (max_new_tokens 1..128, none/VScan/FastV, Poisson arrivals) per rate, side by side.
# Usage: bench/serving.sh [--preset small] [--requests 32] [--rates 0.25,0.4,sat] [--max-running 8] [--seed 1]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.vscan.bench.ServingBenchmark -Dexec.args="$*"
