#!/usr/bin/env bash
# Reduction benchmark: prefill cost of none, VScan, FastV and PyramidDrop at the paper's budgets,
# side by side. Usage: bench/reduction.sh [--family llava|llava_next] [--preset small] [--batches 1,4] [--iterations 5]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.vscan.bench.ReductionBenchmark -Dexec.args="$*"
