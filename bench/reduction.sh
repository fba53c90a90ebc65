#!/usr/bin/env bash
# Reduction benchmark: prefill cost of none, VScan, FastV and PyramidDrop at the paper's budgets,
# side by side. Usage: bench/reduction.sh [--family llava|llava_next|qwen2_5_vl] [--preset small] [--batches 1,4] [--iterations 5]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
main=dev.vscan.bench.ReductionBenchmark
for arg in "$@"; do
  if [ "$arg" = "qwen2_5_vl" ]; then main=dev.vscan.bench.QwenReductionBenchmark; fi
done
./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass="$main" -Dexec.args="$*"
