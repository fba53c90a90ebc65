#!/usr/bin/env bash
# Builds a self-contained bundle of the engine for a Linux x86-64 machine without Java or Maven:
# a jlink-ed Java runtime, the project's classes (main and test, for the benchmarks) and its runtime
# jars, with the native libraries of other platforms stripped and without DJL's CPU libtorch (the
# target machine supplies libtorch, e.g. a CUDA build, through PYTORCH_LIBRARY_PATH).
# Usage: tools/bundle/make-bundle.sh OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:?usage: make-bundle.sh OUT_DIR}
rm -rf "$out" && mkdir -p "$out/lib"
./mvnw -q -B test-compile
./mvnw -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$out/cp.txt"
tr ':' '\n' < "$out/cp.txt" | grep -v -e pytorch-native-cpu -e junit -e opentest4j -e apiguardian | while read -r jar; do
  name=$(basename "$jar")
  cp "$jar" "$out/lib/$name"
  # Keep only linux-x86_64 native code inside the jars.
  zip -q -d "$out/lib/$name" 'native/lib/linux-aarch64/*' 'native/lib/osx-*' 'native/lib/win-*' \
    'jnilib/linux-aarch64/*' 'jnilib/osx-*' 'jnilib/win-*' >/dev/null 2>&1 || true
done
rm "$out/cp.txt"
(cd target && zip -q -r "../$out/lib/vscan-classes.jar" -j classes/simplelogger.properties \
  && cd classes && zip -q -r "../../$out/lib/vscan-classes.jar" dev \
  && cd ../test-classes && zip -q -r "../../$out/lib/vscan-test-classes.jar" .)
jlink --add-modules java.base,java.desktop,java.logging,java.management,jdk.unsupported,java.xml,java.sql,java.naming \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/jre"
du -sh "$out"
