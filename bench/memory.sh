#!/usr/bin/env bash
# Memory benchmark: peak resident set, malloc's peak bytes in use and the KV cache's size for one
# answer of each length, a fresh JVM per length. The heap is fixed and touched up front
# (-Xms = -Xmx, AlwaysPreTouch) so that what grows with the length is native memory, not heap sizing.
# Usage: bench/memory.sh [--preset small] [--tokens 16,64,256,1024]
set -euo pipefail
cd "$(dirname "$0")/.."
export DJL_OFFLINE=true
preset=small
lengths=16,64,256,1024
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset=$2; shift 2 ;;
    --tokens) lengths=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
cp="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
echo "| generated tokens | prompt tokens | peak RSS MB | malloc peak MB | KV cache MB | decode ms/token |"
echo "|---|---|---|---|---|---|"
for n in ${lengths//,/ }; do
  java -Xms768m -Xmx768m -XX:+AlwaysPreTouch -cp "$cp" dev.vscan.bench.MemoryBenchmark --preset "$preset" --tokens "$n"
done
