#!/usr/bin/env bash
# JMH micro-benchmarks of posthaste-bench/jmh, pinned to CPU 1 like the load clients.
#   bench/jmh.sh                     all benchmarks (a few minutes)
#   bench/jmh.sh -prof gc Form       bytes/op too, only benchmarks matching "Form"
# Build first (or let bench/run.sh build): ./mvnw -q -B -f posthaste-bench/pom.xml install
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/posthaste-bench/jmh/target"
JAVA="${JAVA:-java}"
[ -f "$DIR/classpath.txt" ] || { echo "build posthaste-bench first" >&2; exit 1; }
exec taskset -c 1 "$JAVA" -cp "$DIR/classes:$(cat "$DIR/classpath.txt")" org.openjdk.jmh.Main "$@"
