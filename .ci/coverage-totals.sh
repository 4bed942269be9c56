#!/usr/bin/env bash
# Prints the line and branch coverage totals of a JaCoCo CSV report (default: posthaste-client's,
# written by its `test` phase), as one line:
#   JaCoCo posthaste-client: lines 87.1% (9123/10474), branches 74.0% (2911/3934)
set -euo pipefail
csv="${1:-posthaste-client/target/site/jacoco/jacoco.csv}"
name="${2:-posthaste-client}"
[ -f "$csv" ] || { echo "no JaCoCo report at $csv" >&2; exit 1; }
# Columns: GROUP,PACKAGE,CLASS,INSTRUCTION_MISSED,INSTRUCTION_COVERED,BRANCH_MISSED,BRANCH_COVERED,
# LINE_MISSED,LINE_COVERED,...
awk -F, -v name="$name" 'NR > 1 { bm += $6; bc += $7; lm += $8; lc += $9 }
  END {
    printf "JaCoCo %s: lines %.1f%% (%d/%d), branches %.1f%% (%d/%d)\n", name,
      100 * lc / (lc + lm), lc, lc + lm, 100 * bc / (bc + bm), bc, bc + bm
  }' "$csv"
