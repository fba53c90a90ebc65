#!/usr/bin/env bash
# What exactly-once costs per batch: the answers of a batch and the consumed offsets written in one Kafka
# transaction, against the same records sent idempotently with the offsets committed after them (at-least-once),
# side by side on one in-process broker, for batches of 1, 8 and 64 answers.
# Usage: bench/transactions.sh [--batches 300] [--sizes 1,8,64]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
./mvnw -q -B test-compile exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=dev.vscan.bench.TransactionCostBenchmark -Dexec.args="$*"
