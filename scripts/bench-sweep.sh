#!/usr/bin/env bash
# Times `blastradius sweep` on the generated 100k-component model: the load alone (`validate`),
# the single outages (order 1) and every pair (order 2), RUNS times each; prints every wall time
# and the median. Figures go to BENCHMARKS.md ("Scenario sweep").
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-5}"
N="${N:-100000}"
cargo build --release -q -p blastradius-cli -p blastradius-bench
model="${TMPDIR:-/tmp}/blastradius-sweep-$N.yaml"
target/release/gen-model "$N" > "$model"
median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
for label in "validate" "sweep --order 1" "sweep --order 2"; do
  times=()
  for _ in $(seq "$RUNS"); do
    # shellcheck disable=SC2086
    t=$( { /usr/bin/time -f "%e" target/release/blastradius $label "$model" --format json > /dev/null; } 2>&1 )
    times+=("$t")
  done
  echo "$label: ${times[*]} s; median $(printf '%s\n' "${times[@]}" | median) s"
done
target/release/blastradius sweep "$model" --order 2 --format json \
  | grep -A4 '"pair_counts"' | tr -d ' \n'; echo
